"""The comparison table's long form cut short: which rows a deep network lists, and one
row that counts the rest in words."""

from __future__ import annotations

from report.model import Compared

MAX_LISTED = 12   # rows with something to look at listed from the left-out layers


def omitted_rows(rows: list[Compared]) -> tuple[list[Compared], str]:
    """The rows of the left-out layers that are still listed, and the row that counts them.

    Every row with something to look at is listed when there are few of them; otherwise
    only the real disagreements are, and the rest are counted.
    """
    first, last = rows[0], rows[-1]
    odd = [c for c in rows if not c.clean]
    listed = odd if len(odd) <= MAX_LISTED else [c for c in odd if c.wrong]
    parts = [f"dL/d{first.name} … dL/d{last.name}: {len(rows)} gradients",
             _passes(rows), _finite_differences(rows)]
    if listed and len(listed) == len(odd):
        parts.append(f"{_are(len(listed))} something to look at, listed in place")
    elif listed:
        parts.append(f"the {len(listed)} that disagree are listed in place, the other "
                     f"{len(odd) - len(listed)} with something to look at only counted here")
    elif odd:
        parts.append(f"the {len(odd)} with something to look at are only counted here, "
                     "as none of them disagrees")
    return listed, "; ".join(parts) + "."


def _passes(rows: list[Compared]) -> str:
    agree, differ, broken = (sum(c.state == s for c in rows)
                             for s in ("agree", "differ", "not comparable"))
    text = f"{'all' if agree == len(rows) else agree} agree at 5 significant digits"
    text += f", {differ} differ" if differ else ""
    text += f", {broken} are not comparable (inf/nan)" if broken else ""
    same = sum(c.bitwise for c in rows)
    return text + f", {'all' if same == len(rows) else same} are bit-for-bit identical"


def _finite_differences(rows: list[Compared]) -> str:
    words = {"agree": "agree on", "unresolved": "could not judge", "differ": "disagree on"}
    counts = [(sum(c.fd_status == s for c in rows), w) for s, w in words.items()]
    if counts[0][0] == len(rows):
        return "finite differences agree on all"
    return "finite differences " + ", ".join(f"{w} {n}" for n, w in counts if n)


def _are(n: int) -> str:
    return "one has" if n == 1 else f"{n} have"
