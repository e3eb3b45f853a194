"""Figure: the network, every layer a column of units, on (filled) or off (hollow)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from report.figures.svg import MUTED, OFF, ON, svg, text, ticks
from report.model import Layer

MAX_UNITS = 16       # units drawn per layer in the network figure
MAX_EDGES = 4000     # the network figure leaves edges out above this


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
            body.append(text(x, y + step_y, "⋮", 7, fill=MUTED))
        if len(columns) <= 30 or c in labelled:
            label = name if name == "x" else (f"h{name}" if len(columns) <= 14 else name)
            body.append(text(15 + c * step_x, top - 6, label, 6.5, fill=MUTED))
    key = "filled: unit on (z > 0)    hollow: unit off, its gradient is 0"
    if partly_on(layers):
        key += "    shaded: on for that share of the batch"
    body.append(text(width / 2, height - 6, key, 7, fill=MUTED))
    return svg(width, height, body, "The network, units on and off")


def _mix(share: float) -> str:
    """A blue between white (0) and ON (1)."""
    r, g, b = (int(255 + (c - 255) * share) for c in (0x1F, 0x5F, 0xA8))
    return f"#{r:02x}{g:02x}{b:02x}"


