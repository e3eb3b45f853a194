"""Figure: small multiples of dL/dW_k, one shaded grid (a PNG tile) per layer."""

from __future__ import annotations

import base64
import math
import struct
import zlib
from collections.abc import Sequence

from report.figures.svg import BROKEN, MUTED, svg, text
from report.model import Heat

POSITIVE, NEGATIVE, ZERO = (190, 40, 40), (35, 85, 170), (241, 241, 238)
NONFINITE = (0, 0, 0)   # an inf or nan cell
DECADES = 6          # heatmap intensity spans this many decades below the layer's largest


def heat_colour(value: float, top: float) -> tuple[int, int, int]:
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
        return svg(width, 40, [text(width / 2, 24, "Every dL/dWₖ is exactly 0: there is "
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
        pixels = [[heat_colour(v, heat.max_abs) for v in row] for row in heat.values]
        scale = max(1, 64 // max(len(pixels), len(pixels[0])))
        tile = base64.b64encode(png(pixels, scale)).decode("ascii")
        shown_w, shown_h = len(heat.values[0]) * cell, len(heat.values) * cell
        body.append(f'<image x="{x0:.2f}" y="{y0:.2f}" width="{shown_w:.2f}" '
                    f'height="{shown_h:.2f}" preserveAspectRatio="none" '
                    f'style="image-rendering: pixelated" href="data:image/png;base64,{tile}"/>')
        body.append(f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{shown_w:.2f}" '
                    f'height="{shown_h:.2f}" fill="none" stroke="#888" stroke-width="0.4"/>')
        body.append(text(x0 + box / 2, y0 + box + 8, f"dL/dW{heat.layer}", 6.5))
        for i, line in enumerate(heat.caption):
            colour = MUTED if i == 0 and line != "all inf/nan" else BROKEN
            body.append(text(x0 + box / 2, y0 + box + 15.5 + 7.5 * i, line, 6.5, fill=colour))
    y = rows * row_height + 6
    steps = 24
    ramp = [[heat_colour(-(10 ** (-DECADES * s / (steps // 2 - 1))) if s < steps // 2 else
                          10 ** (-DECADES * (steps - 1 - s) / (steps // 2 - 1)), 1.0)
             for s in range(steps)]]
    tile = base64.b64encode(png(ramp, 4)).decode("ascii")
    body.append(f'<image x="{width / 2 - 120:.1f}" y="{y:.1f}" width="240" height="7" '
                f'preserveAspectRatio="none" href="data:image/png;base64,{tile}"/>')
    body.append(text(width / 2 - 124, y + 6, "−max", 6.5, anchor="end"))
    body.append(text(width / 2 + 124, y + 6, "+max", 6.5, anchor="start"))
    body.append(text(width / 2, y + 17, f"colour: sign; shade: log10 |g| over the "
                                         f"{DECADES} decades below the layer's largest; "
                                         "pale grey: exactly 0", 6.5, fill=MUTED))
    if broken:
        body.append(f'<rect x="{width / 2 - 72:.1f}" y="{y + 21:.1f}" width="6" height="6" '
                    f'fill="rgb{NONFINITE}"/>')
        body.append(text(width / 2 - 63, y + 26, "black: inf or nan (not a number to shade)",
                          6.5, anchor="start", fill=MUTED))
    return svg(width, height, body, "Heatmaps of dL/dW per layer")


def all_zero(heats: Sequence[Heat]) -> bool:
    """Whether every gradient shown is exactly 0 (heatmaps() then draws no grids)."""
    return all(h.max_abs == 0 and not h.nonfinite for h in heats)


