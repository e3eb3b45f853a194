"""A Check shown by hand-built HTML (Jupyter) and console markup (Rich), no template engine."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backprop.check.result import Check


def _cells(check: Check) -> list[tuple[str, str, str, str, str]]:
    """(tensor, shape, agree, differ, max rel err) of every row of the default run."""
    return [(r.name, "x".join(map(str, r.agreement.shape)), "yes" if r.agree else "NO",
             str(r.differ) + (f" (+{r.agreement.nonfinite} inf/nan)"
                              if r.agreement.nonfinite else ""),
             f"{r.agreement.max_rel_error:.1e}") for r in check.rows]


HEADERS = ("tensor", "shape", "agree @5", "differ", "max rel err")


def check_html(check: Check) -> str:
    """A table of the default run's tensors, then the sentences, as one HTML fragment."""
    head = "".join(f"<th>{h}</th>" for h in HEADERS)
    body = []
    for cells in _cells(check):
        style = "" if cells[2] == "yes" else ' style="color:#b00020"'
        body.append(f"<tr{style}>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    caption = escape(f"{check.source} against autograd, {check.config.describe()}")
    sentences = "".join(f"<p>{escape(s)}</p>" for s in check.sentences())
    return (f'<div class="backprop-check"><table><caption>{caption}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"{sentences}</div>")


def check_markup(check: Check) -> str:
    """The same table as aligned text with Rich markup for the rows that differ."""
    rows = [HEADERS, *_cells(check)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = [f"{check.source} against autograd, {check.config.describe()}"]
    for index, row in enumerate(rows):
        text = "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        text = text.replace("[", r"\[")
        lines.append(text if index == 0 or row[2] == "yes" else f"[red]{text}[/red]")
    lines += [s.replace("[", r"\[") for s in check.sentences()]
    return "\n".join(lines)
