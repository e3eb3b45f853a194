"""Which layers a deep network's views list one by one: the first and last few.

Torch-free, so the report's renderer (a process that never imports torch) reads it too.
"""

from __future__ import annotations

MAX_LAYERS = 12        # layers shown one by one; deeper networks show the first and last few
EDGE_LAYERS = 4        # ... this many at each end


def omitted_layers(n: int) -> tuple[int, int] | None:
    """The first and last layer left out by shown_layers(n), or None."""
    return (EDGE_LAYERS + 1, n - EDGE_LAYERS) if n > MAX_LAYERS else None


def shown_layers(n: int) -> list[int | None]:
    """The layers shown one by one, 1..n, with None where a run of layers is left out."""
    if n <= MAX_LAYERS:
        return list(range(1, n + 1))
    return [*range(1, EDGE_LAYERS + 1), None, *range(n - EDGE_LAYERS + 1, n + 1)]
