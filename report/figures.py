"""The report's figures, drawn as SVG text by hand.

Why not matplotlib: it is not otherwise needed, importing it costs far more than these
few hundred lines of shapes, and hand-made SVG comes out byte-identical for the same run
(deterministic), small, and with real text WeasyPrint puts in the PDF.
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from collections.abc import Sequence
from itertools import pairwise

from markupsafe import escape

from report.model import Heat, Layer, Scale

FONT = "DejaVu Sans, sans-serif"
INK, MUTED, FAINT = "#222", "#777", "#ddd"
ON, OFF = "#1f5fa8", "#ffffff"
POSITIVE, NEGATIVE, ZERO = (190, 40, 40), (35, 85, 170), (241, 241, 238)
NONFINITE, BROKEN = (0, 0, 0), "#a61b1b"   # an inf or nan cell; text saying there are some
DECADES = 6          # heatmap intensity spans this many decades below the layer's largest
MAX_UNITS = 16       # units drawn per layer in the network figure
MAX_EDGES = 4000     # the network figure leaves edges out above this


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" font-family="{FONT}">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _text(x: float, y: float, text: str, size: float = 7, anchor: str = "middle",
          fill: str = INK, extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" '
            f'fill="{fill}"{extra}>{escape(text)}</text>')


def _columns(layers: Sequence[Layer], d: int) -> list[tuple[str, list[float]]]:
    return [("x", [1.0] * d)] + [(str(layer.k), list(layer.on_fraction)) for layer in layers]


def draws_edges(layers: Sequence[Layer], d: int) -> bool:
    """Whether network() draws the lines between units (it leaves them out when too many)."""
    columns = _columns(layers, d)
    return sum(min(len(a), MAX_UNITS) * min(len(b), MAX_UNITS)
               for (_, a), (_, b) in pairwise(columns)) <= MAX_EDGES


def partly_on(layers: Sequence[Layer]) -> bool:
    """Whether some drawn unit is on for only part of the batch (and is drawn shaded)."""
    return any(0 < share < 1 for layer in layers for share in layer.on_fraction[:MAX_UNITS])


def network(layers: Sequence[Layer], d: int, width: float = 480) -> str:
    """Every layer as a column of units: filled when on, hollow when off (dead for this x).

    With a batch, a unit's fill is the share of data points it is on for. Edges join the
    units that are on in neighbouring layers: the only paths the gradient can take.
    """
    columns = _columns(layers, d)
    rows = min(max(len(units) for _, units in columns), MAX_UNITS)
    step_x = (width - 30) / max(len(columns) - 1, 1)
    step_y = 13.0
    top, height = 18.0, 18.0 + rows * step_y + 22
    radius = max(1.2, min(4.5, step_x / 3, step_y / 3))
    # x, then layers that never crowd each other (layer 1 gives way to x when they would)
    labelled = {0, *ticks(len(columns) - 1)} - ({1} if step_x < 12 else set())

    def position(c: int, i: int, count: int) -> tuple[float, float]:
        offset = (rows - min(count, MAX_UNITS)) * step_y / 2
        return 15 + c * step_x, top + offset + (i + 0.5) * step_y

    body: list[str] = []
    if draws_edges(layers, d):
        lines = []
        for c, ((_, left), (_, right)) in enumerate(pairwise(columns)):
            for i, a in enumerate(left[:MAX_UNITS]):
                for j, b in enumerate(right[:MAX_UNITS]):
                    if a > 0 and b > 0:
                        x1, y1 = position(c, i, len(left))
                        x2, y2 = position(c + 1, j, len(right))
                        lines.append(f"M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}")
        body.append(f'<path d="{"".join(lines)}" stroke="#9db4d4" stroke-width="0.3" fill="none"/>')
    for c, (name, units) in enumerate(columns):
        for i, share in enumerate(units[:MAX_UNITS]):
            x, y = position(c, i, len(units))
            fill = ON if share >= 1 else (OFF if share <= 0 else _mix(share))
            stroke = ON if share > 0 else "#999"
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{fill}" '
                        f'stroke="{stroke}" stroke-width="0.6"/>')
        if len(units) > MAX_UNITS:
            x, y = position(c, MAX_UNITS - 1, len(units))
            body.append(_text(x, y + step_y, "⋮", 7, fill=MUTED))
        if len(columns) <= 30 or c in labelled:
            label = name if name == "x" else (f"h{name}" if len(columns) <= 14 else name)
            body.append(_text(15 + c * step_x, top - 6, label, 6.5, fill=MUTED))
    key = "filled: unit on (z > 0)    hollow: unit off, its gradient is 0"
    if partly_on(layers):
        key += "    shaded: on for that share of the batch"
    body.append(_text(width / 2, height - 6, key, 7, fill=MUTED))
    return _svg(width, height, body, "The network, units on and off")


def _mix(share: float) -> str:
    """A blue between white (0) and ON (1)."""
    r, g, b = (int(255 + (c - 255) * share) for c in (0x1F, 0x5F, 0xA8))
    return f"#{r:02x}{g:02x}{b:02x}"


def _heat_colour(value: float, top: float) -> tuple[int, int, int]:
    """Red for positive, blue for negative, shaded by log10 |value| below `top`."""
    if value == 0:
        return ZERO
    if not math.isfinite(value):
        return NONFINITE
    if top <= 0:
        return ZERO
    t = (math.log10(abs(value)) - (math.log10(top) - DECADES)) / DECADES
    t = min(max(t, 0.0), 1.0)
    base = POSITIVE if value > 0 else NEGATIVE
    r, g, b = (int(255 + (c - 255) * (0.12 + 0.88 * t)) for c in base)
    return r, g, b


def png(pixels: Sequence[Sequence[tuple[int, int, int]]], scale: int) -> bytes:
    """An RGB PNG of `pixels`, each drawn as a scale x scale square (zlib, no Pillow)."""
    raw = bytearray()
    for row in pixels:
        line = b"".join(bytes(p) * scale for p in row)
        raw += (b"\x00" + line) * scale
    height, width = len(pixels) * scale, len(pixels[0]) * scale

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + chunk(b"IEND", b""))


def heatmaps(heats: Sequence[Heat], width: float = 480) -> str:
    """Small multiples of dL/dW_k: red positive, blue negative, pale where exactly 0.

    The cells of each grid are one PNG tile inside the SVG: a thousand SVG rectangles cost
    WeasyPrint a tenth of a second to draw, one image almost nothing.
    """
    if all_zero(heats):    # a dead network: ten pale squares would say nothing
        return _svg(width, 40, [_text(width / 2, 24, "Every dL/dWₖ is exactly 0: there is "
                                      "nothing to shade.", 8, fill=MUTED)],
                    "Heatmaps of dL/dW per layer: all 0")
    cells = max(max(len(h.values), len(h.values[0])) for h in heats)
    # Tiles of 6 units a cell, between 40 and 84 wide: 32 x 32 grids stay on one page.
    box = min(max(cells * 6.0, 40.0), 84.0)
    per_row = max(1, min(len(heats), int((width + 10) // (box + 10))))
    cell = box / cells
    lines = max(len(h.caption) for h in heats)
    row_height = box + 13 + 7.5 * lines
    rows = math.ceil(len(heats) / per_row)
    broken = any(h.nonfinite for h in heats)
    height = rows * row_height + (38 if broken else 30)
    body: list[str] = []
    for index, heat in enumerate(heats):
        x0 = (index % per_row) * (box + 10)
        y0 = (index // per_row) * row_height
        pixels = [[_heat_colour(v, heat.max_abs) for v in row] for row in heat.values]
        scale = max(1, 64 // max(len(pixels), len(pixels[0])))
        tile = base64.b64encode(png(pixels, scale)).decode("ascii")
        shown_w, shown_h = len(heat.values[0]) * cell, len(heat.values) * cell
        body.append(f'<image x="{x0:.2f}" y="{y0:.2f}" width="{shown_w:.2f}" '
                    f'height="{shown_h:.2f}" preserveAspectRatio="none" '
                    f'style="image-rendering: pixelated" href="data:image/png;base64,{tile}"/>')
        body.append(f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{shown_w:.2f}" '
                    f'height="{shown_h:.2f}" fill="none" stroke="#888" stroke-width="0.4"/>')
        body.append(_text(x0 + box / 2, y0 + box + 8, f"dL/dW{heat.layer}", 6.5))
        for i, line in enumerate(heat.caption):
            colour = MUTED if i == 0 and line != "all inf/nan" else BROKEN
            body.append(_text(x0 + box / 2, y0 + box + 15.5 + 7.5 * i, line, 6.5, fill=colour))
    y = rows * row_height + 6
    steps = 24
    ramp = [[_heat_colour(-(10 ** (-DECADES * s / (steps // 2 - 1))) if s < steps // 2 else
                          10 ** (-DECADES * (steps - 1 - s) / (steps // 2 - 1)), 1.0)
             for s in range(steps)]]
    tile = base64.b64encode(png(ramp, 4)).decode("ascii")
    body.append(f'<image x="{width / 2 - 120:.1f}" y="{y:.1f}" width="240" height="7" '
                f'preserveAspectRatio="none" href="data:image/png;base64,{tile}"/>')
    body.append(_text(width / 2 - 124, y + 6, "−max", 6.5, anchor="end"))
    body.append(_text(width / 2 + 124, y + 6, "+max", 6.5, anchor="start"))
    body.append(_text(width / 2, y + 17, f"colour: sign; shade: log10 |g| over the "
                                         f"{DECADES} decades below the layer's largest; "
                                         "pale grey: exactly 0", 6.5, fill=MUTED))
    if broken:
        body.append(f'<rect x="{width / 2 - 72:.1f}" y="{y + 21:.1f}" width="6" height="6" '
                    f'fill="rgb{NONFINITE}"/>')
        body.append(_text(width / 2 - 63, y + 26, "black: inf or nan (not a number to shade)",
                          6.5, anchor="start", fill=MUTED))
    return _svg(width, height, body, "Heatmaps of dL/dW per layer")


def all_zero(heats: Sequence[Heat]) -> bool:
    """Whether every gradient shown is exactly 0 (heatmaps() then draws no grids)."""
    return all(h.max_abs == 0 and not h.nonfinite for h in heats)


def magnitudes(scales: Sequence[Scale], width: float = 480, height: float = 200) -> str:
    """Max |dL/dW_k| per layer on a log scale, one line per run; 0 sits on the floor.

    A layer whose gradient holds inf or nan has no place on any scale: it is a triangle
    in a band above the plot, and the line breaks there.
    """
    values = [v for s in scales for v in s.values if 0 < v < math.inf]
    low = math.floor(math.log10(min(values))) if values else 0
    high = math.ceil(math.log10(max(values))) if values else 1
    high = max(high, low + 1)
    every = _step(high - low, 10)   # decades labelled: a float64 run can span 150 of them
    low, high = every * math.floor(low / every), every * math.ceil(high / every)
    n = max(len(s.values) for s in scales)
    broken = any(s.overflowed for s in scales)
    left, right, top, bottom = 44, 10, (22 if broken else 10), 38
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(k: int) -> float:
        return left + (k - 1) * plot_w / max(n - 1, 1)

    def py(value: float) -> float:
        if value <= 0:
            return top + plot_h
        return top + plot_h * (high - math.log10(value)) / (high - low)

    body: list[str] = []
    for decade in range(low, high + 1, every) if values else ():
        y = py(10.0 ** decade)
        body.append(f'<path d="M{left} {y:.1f}H{left + plot_w}" stroke="{FAINT}" '
                    'stroke-width="0.5"/>')
        body.append(_text(left - 4, y + 2.5, f"1e{decade:+03d}", 6.5, anchor="end", fill=MUTED))
    if broken:
        body.append(_text(left - 4, top - 8, "inf/nan", 6.5, anchor="end", fill=BROKEN))
    if not values:   # nothing above 0 and finite: no scale to draw, only the floor
        body.append(_text(left - 4, top + plot_h + 2.5, "0", 6.5, anchor="end", fill=MUTED))
        body.append(_text(left + plot_w / 2, top + plot_h / 2, "no gradient above 0 to plot "
                          "on a log scale" + ("" if broken else ": every one is exactly 0"),
                          8, fill=MUTED))
    for k in ticks(n):
        body.append(_text(px(k), top + plot_h + 10, str(k), 6.5, fill=MUTED))
    body.append(_text(left + plot_w / 2, top + plot_h + 20, "layer k", 7, fill=MUTED))
    colours = (ON, "#c0392b", "#2e7d32")
    legend_x = left + 10
    for index, scale in enumerate(scales):
        colour = colours[index % len(colours)]
        dash = "" if index == 0 else ' stroke-dasharray="3 2"'
        path, pen = [], "M"
        for k, v in enumerate(scale.values, start=1):
            if v == math.inf:
                pen = "M"   # the line breaks where there is no number
                continue
            path.append(f"{pen}{px(k):.1f} {py(v):.1f}")
            pen = "L"
        body.append(f'<path d="{"".join(path)}" stroke="{colour}" stroke-width="1.2" '
                    f'fill="none"{dash}/>')
        for k, v in enumerate(scale.values, start=1):
            if v == math.inf:
                body.append(_triangle(px(k), top - 10 + 3 * index, colour))
            else:
                fill = "#fff" if v <= 0 else colour
                body.append(f'<circle cx="{px(k):.1f}" cy="{py(v):.1f}" r="2" fill="{fill}" '
                            f'stroke="{colour}" stroke-width="0.8"/>')
        body.append(f'<path d="M{legend_x} {height - 6}h16" stroke="{colour}" '
                    f'stroke-width="1.2"{dash}/>')
        body.append(_text(legend_x + 20, height - 3.5, scale.label, 7, anchor="start"))
        legend_x += 150
    if broken:   # the key's triangles in the colours of the runs that overflowed
        marks = [colours[i % len(colours)] for i, s in enumerate(scales) if s.overflowed]
        for i, colour in enumerate(marks):
            body.append(_triangle(legend_x + 4 + 7 * i, height - 6, colour))
        body.append(_text(legend_x + 4 + 7 * len(marks), height - 3.5,
                          "inf or nan: off the scale", 7, anchor="start"))
    body.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
                'stroke="#999" stroke-width="0.5"/>')
    return _svg(width, height, body, "Largest |dL/dW| per layer, log scale")


def _triangle(x: float, y: float, colour: str) -> str:
    """A small upward triangle centred on (x, y): a value above every scale."""
    return (f'<path d="M{x:.1f} {y - 2.6:.1f}L{x + 2.6:.1f} {y + 2:.1f}L{x - 2.6:.1f} '
            f'{y + 2:.1f}Z" fill="{colour}"/>')


def _step(span: int, most: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, ... that cuts `span` into at most `most` steps."""
    step = 1
    while span / step > most:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    return step


def ticks(n: int, most: int = 16) -> list[int]:
    """The layers labelled on an axis of n: 1, n and round numbers, never two too close.

    The step is 1, 2, 5, 10, 20, ... whichever keeps at most `most` labels; a round
    number within 0.6 steps of 1 or n gives way to it.
    """
    step = _step(n, most)
    inner = [k for k in range(step, n, step) if k - 1 >= 0.6 * step and n - k >= 0.6 * step]
    return sorted({1, *inner, n})
