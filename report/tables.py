"""Blocks of numbers as monospaced text: aligned columns that lay out fast.

A table cell is a box WeasyPrint must size and place; a line of a `<pre>` is one box.
Hundreds of gradient values per page stay cheap this way, and read like a printout.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from report.model import MAX_COLS, MAX_DAT_LINES, Block, Layer

WIDTH = 11   # -5.5338e+08


def _cells(values: Sequence[str], flags: Sequence[bool] = (), css: str = "") -> str:
    out = []
    for j, value in enumerate(values):
        text = escape(f"{value:>{WIDTH}}")
        out.append(f'<span class="{css}">{text}</span>' if flags and flags[j] else str(text))
    return " ".join(out)


def gradient_pair(block: Block) -> Markup:
    """dL/dP row by row, autograd's line above the hand-written one; differences in red."""
    label = 13
    head = " " * label + " ".join(f"{f'j={j}':>{WIDTH}}" for j in
                                  range(1, len(block.autograd[0]) + 1))
    lines = [escape(head)]
    for i, (auto, mine, differ) in enumerate(
            zip(block.autograd, block.manual, block.differ, strict=True), 1):
        lines.append(f"{f'i={i}':<5}{'autograd':<{label - 5}}" + _cells(auto, differ, "differ"))
        lines.append(f"{'':<5}{'by hand':<{label - 5}}" + _cells(mine, differ, "differ"))
    return Markup("\n".join(lines))


def forward_layer(layer: Layer) -> Markup:
    """z_k, m_k and h_k of one layer for the first data point; units that are off greyed."""
    off = [not on for on in layer.on]
    head = (f"layer {layer.k}: {layer.units_on} of {layer.n_out} units on, "
            f"largest |z| {layer.max_abs_z}")
    lines = [
        escape(head),
        f"z{layer.k:<5}" + _cells(layer.z, off, "off"),
        f"m{layer.k:<5}" + _cells(["1" if on else "0" for on in layer.on], off, "off"),
        f"h{layer.k:<5}" + _cells(layer.h, off, "off"),
    ]
    return Markup("\n".join(lines))


def vector(name: str, values: Sequence[str], pad: int = 6) -> Markup:
    """One named row of values."""
    return Markup(escape(f"{name:<{pad}}") + _cells(values))


def dat_excerpt(text: str, max_chars: int, max_lines: int = MAX_DAT_LINES) -> tuple[str, int, bool]:
    """The first lines of a .dat file, each cut to max_chars (with …): (text, lines left, cut)."""
    lines = text.splitlines()
    shown, cut = [], False
    for line in lines[:max_lines]:
        if len(line) > max_chars:
            line, cut = line[:max_chars - 2].rstrip() + " …", True
        shown.append(line)
    return "\n".join(shown), max(len(lines) - max_lines, 0), cut


def columns_note(width: int) -> str:
    """Says which units are shown when a layer is wider than MAX_COLS."""
    return "" if width <= MAX_COLS else f"units 1–{MAX_COLS} of {width}"
