"""Blocks of numbers as monospaced text: aligned columns that lay out fast.

A table cell is a box WeasyPrint must size and place; a line of a `<pre>` is one box.
Hundreds of gradient values per page stay cheap this way, and read like a printout.
Columns are as wide as the longest value in the block (-5.5338e+08, or -1.2346e+123 in
float64), and a block whose longest line would not fit the page at the normal size is
set in a smaller one: a line of numbers never wraps and is never cut.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from report.model import MAX_COLS, MAX_DAT_LINES, Block, Layer

FONT_PT = 6.5          # pre.numbers in report.css: the smallest size we print
LETTER_PT = -0.3       # its letter-spacing
ADVANCE_EM = 0.602     # DejaVu Sans Mono's advance width
# The A4 text width (174 mm = 493.2 pt) less the block's border and padding (9.3 pt).
LINE_PT = 483.9
LINE_CHARS = int(LINE_PT / (ADVANCE_EM * FONT_PT + LETTER_PT))   # 133: ten -5.5338e+08 and labels
_TAG = re.compile(r"<[^>]*>")


def _width(*groups: Sequence[str]) -> int:
    """The column width for these values: the longest of them, at least 10 (0.0000e+00)."""
    return max([10, *(len(v) for values in groups for v in values)])


def _cells(values: Sequence[str], width: int, flags: Sequence[bool] = (),
           css: str = "") -> str:
    out = []
    for j, value in enumerate(values):
        text = escape(f"{value:>{width}}")
        out.append(f'<span class="{css}">{text}</span>' if flags and flags[j] else str(text))
    return " ".join(out)


def gradient_pair(block: Block, theirs: str = "by hand") -> Markup:
    """dL/dP row by row, autograd's line above the other pass's (`theirs`); differences red."""
    width = _width(*block.autograd, *block.manual)
    label = 14         # "i=10 autograd " : a value never touches its label
    head = " " * label + " ".join(f"{f'j={j}':>{width}}" for j in
                                  range(1, len(block.autograd[0]) + 1))
    lines = [escape(head)]
    for i, (auto, mine, differ) in enumerate(
            zip(block.autograd, block.manual, block.differ, strict=True), 1):
        lines.append(f"{f'i={i}':<5}{'autograd':<{label - 5}}"
                     + _cells(auto, width, differ, "differ"))
        lines.append(f"{'':<5}{theirs:<{label - 5}}" + _cells(mine, width, differ, "differ"))
    return Markup("\n".join(lines))


def forward_layer(layer: Layer) -> Markup:
    """z_k, m_k and h_k of one layer for the first data point; units that are off greyed."""
    off = [not on for on in layer.on]
    width = _width(layer.z, layer.h)
    head = (f"layer {layer.k}: {layer.units_on} of {layer.n_out} units on, "
            f"largest |z| {layer.max_abs_z}")
    lines = [
        escape(head),
        f"z{layer.k:<5}" + _cells(layer.z, width, off, "off"),
        f"m{layer.k:<5}" + _cells(["1" if on else "0" for on in layer.on], width, off, "off"),
        f"h{layer.k:<5}" + _cells(layer.h, width, off, "off"),
    ]
    return Markup("\n".join(lines))


def named_rows(rows: Sequence[tuple[str, Sequence[str]]], pad: int = 6) -> Markup:
    """Named rows of values, one line each, in columns shared by all of them."""
    width = _width(*(values for _, values in rows))
    pad = max(pad, *(len(name) + 1 for name, _ in rows))
    return Markup("\n".join(escape(f"{name:<{pad}}") + _cells(values, width)
                            for name, values in rows))


def indexed(name: str, rows: Sequence[Sequence[str]]) -> list[tuple[str, Sequence[str]]]:
    """Rows named `x` when there is one, else `x[1]`, `x[2]`, ...: for named_rows."""
    if len(rows) == 1:
        return [(name, rows[0])]
    return [(f"{name}[{i}]", row) for i, row in enumerate(rows, start=1)]


def numbers(text: str, ident: str | None = None) -> Markup:
    """`text` (Markup) as a pre.numbers block, set smaller if its longest line needs it."""
    text = text if isinstance(text, Markup) else escape(text)
    longest = max(len(html.unescape(_TAG.sub("", line))) for line in str(text).split("\n"))
    style = ""
    if longest > LINE_CHARS:   # rare (float64 exponents of 3 digits): smaller, never cut
        size = (LINE_PT / longest - LETTER_PT) / ADVANCE_EM
        style = f' style="font-size: {math.floor(size * 100) / 100:.2f}pt"'
    where = f' id="{escape(ident)}"' if ident else ""
    return Markup(f'<pre class="numbers"{where}{style}>{text}</pre>')


def dat_excerpt(text: str, max_chars: int, max_lines: int = MAX_DAT_LINES) -> tuple[str, int, bool]:
    """The first lines of a .dat file, each cut after its last whole value that fits (…).

    Returns (text, lines left out, whether a line was cut); a number is never cut in two.
    """
    lines = text.splitlines()
    shown, cut = [], False
    for line in lines[:max_lines]:
        if len(line) > max_chars:
            head = line[:max_chars - 2]               # room for " …"
            if not line[len(head)].isspace() and " " in head.strip():
                head = head.rstrip().rsplit(" ", 1)[0]    # the cut fell inside a value
            line, cut = head.rstrip() + " …", True
        shown.append(line)
    return "\n".join(shown), max(len(lines) - max_lines, 0), cut


def columns_note(width: int) -> str:
    """Says which units are shown when a layer is wider than MAX_COLS."""
    return "" if width <= MAX_COLS else f"units 1–{MAX_COLS} of {width}"
