"""Figure: the largest |dL/dW_k| per layer on a log scale, one line per run."""

from __future__ import annotations

import math
from collections.abc import Sequence

from report.figures.svg import BROKEN, FAINT, MUTED, ON, round_step, svg, text, ticks
from report.model import Scale


def magnitudes(scales: Sequence[Scale], width: float = 480, height: float = 200) -> str:
    """Max |dL/dW_k| per layer on a log scale, one line per run; 0 sits on the floor.

    A layer whose gradient holds inf or nan has no place on any scale: it is a triangle
    in a band above the plot, and the line breaks there.
    """
    values = [v for s in scales for v in s.values if 0 < v < math.inf]
    low = math.floor(math.log10(min(values))) if values else 0
    high = math.ceil(math.log10(max(values))) if values else 1
    high = max(high, low + 1)
    every = round_step(high - low, 10)   # decades labelled: a float64 run can span 150 of them
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
        body.append(text(left - 4, y + 2.5, f"1e{decade:+03d}", 6.5, anchor="end", fill=MUTED))
    if broken:
        body.append(text(left - 4, top - 8, "inf/nan", 6.5, anchor="end", fill=BROKEN))
    if not values:   # nothing above 0 and finite: no scale to draw, only the floor
        body.append(text(left - 4, top + plot_h + 2.5, "0", 6.5, anchor="end", fill=MUTED))
        body.append(text(left + plot_w / 2, top + plot_h / 2, "no gradient above 0 to plot "
                          "on a log scale" + ("" if broken else ": every one is exactly 0"),
                          8, fill=MUTED))
    for k in ticks(n):
        body.append(text(px(k), top + plot_h + 10, str(k), 6.5, fill=MUTED))
    body.append(text(left + plot_w / 2, top + plot_h + 20, "layer k", 7, fill=MUTED))
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
        body.append(text(legend_x + 20, height - 3.5, scale.label, 7, anchor="start"))
        legend_x += 150
    if broken:   # the key's triangles in the colours of the runs that overflowed
        marks = [colours[i % len(colours)] for i, s in enumerate(scales) if s.overflowed]
        for i, colour in enumerate(marks):
            body.append(_triangle(legend_x + 4 + 7 * i, height - 6, colour))
        body.append(text(legend_x + 4 + 7 * len(marks), height - 3.5,
                          "inf or nan: off the scale", 7, anchor="start"))
    body.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
                'stroke="#999" stroke-width="0.5"/>')
    return svg(width, height, body, "Largest |dL/dW| per layer, log scale")


def _triangle(x: float, y: float, colour: str) -> str:
    """A small upward triangle centred on (x, y): a value above every scale."""
    return (f'<path d="M{x:.1f} {y - 2.6:.1f}L{x + 2.6:.1f} {y + 2:.1f}L{x - 2.6:.1f} '
            f'{y + 2:.1f}Z" fill="{colour}"/>')

