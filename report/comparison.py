"""The comparison table's rows: one per gradient, and for a deep network the rows it
still lists from the left-out layers, with one row that counts the rest in words."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LISTED = 12   # rows with something to look at listed from the left-out layers


@dataclass(frozen=True)
class Compared:
    """One row of the comparison table."""

    name: str
    shape: str                   # "10x10"
    state: str                   # backprop.verdict's: "agree", "differ" or "not comparable"
    agree: bool                  # every entry a number with the same 5-digit form
    differ: int
    max_rel_error: str
    bitwise: bool
    nonfinite: int               # entries that are inf or nan in either pass
    fd_status: str               # "agree", "differ" or "unresolved" (some entries not judged)
    fd_checked: int
    fd_total: int
    fd_kinks: int
    fd_unresolved: int           # entries whose estimate is lost in rounding
    fd_max_rel_error: str

    @property
    def layer(self) -> int:
        """The layer of W_k or b_k."""
        return int(self.name[1:])

    @property
    def fd_resolved(self) -> int:
        """Entries finite differences could judge: off a kink and not lost in rounding."""
        return self.fd_checked - self.fd_kinks - self.fd_unresolved

    @property
    def fd_counts(self) -> str:
        """"100 checked, 3 on a kink, 2 lost in rounding": what finite differences saw."""
        parts = [f"{self.fd_checked}" + (f" of {self.fd_total}" if self.fd_checked < self.fd_total
                                         else "") + " checked"]
        if self.fd_kinks:
            parts.append(f"{self.fd_kinks} on a kink")
        if self.fd_unresolved:
            parts.append(f"{self.fd_unresolved} lost in rounding")
        return ", ".join(parts)

    @property
    def clean(self) -> bool:
        """Agrees, bit for bit, and finite differences judged and agree: nothing to look at."""
        return (self.state == "agree" and self.bitwise and self.fd_status == "agree"
                and not self.fd_unresolved)

    @property
    def wrong(self) -> bool:
        """A real disagreement: the passes differ, or finite differences contradict them."""
        return self.state == "differ" or self.fd_status == "differ"


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
    words = {"agree": "agree on", "unresolved": "could not judge every entry of",
             "differ": "disagree on"}
    counts = [(sum(c.fd_status == s for c in rows), w) for s, w in words.items()]
    if counts[0][0] == len(rows):
        return "finite differences agree on all"
    return "finite differences " + ", ".join(f"{w} {n}" for n, w in counts if n)


def _are(n: int) -> str:
    return "one has" if n == 1 else f"{n} have"
