"""A deep network's graph as one legible page: the loss, the last and first layers, and
a ⋮ box standing for the layers between.

Scaled to one page, the whole graph of K=40 has labels of 2.5 pt. The excerpt keeps the
layers the node table lists one by one (backprop.layers.shown_layers), so the figure and
the table show the same boxes; graph.svg beside the report still has every box. It is
cut from backprop.graph's DOT as written, statement by statement, and drawn by the same
Graphviz call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from backprop.layers import omitted_layers, shown_layers

_NODE = re.compile(r"^\tn(\d+) \[")
_EDGE = re.compile(r"^\t(n\d+|layer\d+) -> (n\d+|layer\d+)(.*)$")
_RULER = re.compile(r"^\tlayer(\d+) \[")
_RANK = re.compile(r"^\t\{ rank=same; layer(\d+); n\d+ \}$")
GAP = "gap"


def excerpt_dot(dot: str, layers: Sequence[int | None], n: int) -> str | None:
    """The DOT of the boxes of the loss and the shown layers, the rest as one ⋮ box.

    `layers` is each box's layer, in number order (box i has layers[i - 1]); None when
    the network is small enough to draw whole.
    """
    gap = omitted_layers(n)
    if gap is None:
        return None
    shown = {*shown_layers(n), None}
    kept = {f"n{i}" for i, layer in enumerate(layers, start=1) if layer in shown}
    dropped = len(layers) - len(kept)
    out: list[str] = []
    edges: list[tuple[str, str, str]] = []
    rulers: list[int] = []
    for line in dot.splitlines():
        if node := _NODE.match(line):
            if f"n{node[1]}" in kept:
                out.append(line)
        elif rank := _RANK.match(line):
            if int(rank[1]) in shown:
                out.append(line)
        elif ruler := _RULER.match(line):
            if int(ruler[1]) in shown:
                out.append(line)
                rulers.append(int(ruler[1]))
        elif edge := _EDGE.match(line):
            tail, head, rest = edge[1], edge[2], edge[3]
            if tail.startswith("layer"):
                continue   # the ruler is chained again below, over the kept layers only
            tail, head = (t if t in kept else GAP for t in (tail, head))
            if (tail, head) != (GAP, GAP) and (tail, head, rest) not in edges:
                edges.append((tail, head, rest if GAP not in (tail, head) else ""))
        elif line != "}":
            out.append(line)
    out.append(f'\t{GAP} [label="⋮  layers {gap[1]} down to {gap[0]}: {dropped} boxes\\n'
               f'of the same kinds, all in graph.svg" shape=plaintext style="" '
               f'fontname="DejaVu Sans" fontcolor=gray35 group=spine]')
    out += [f"\t{a} -> {b}{rest}" for a, b, rest in edges]
    out += [f"\tlayer{a} -> layer{b} [style=invis]" for a, b in pairwise(rulers)]
    return "\n".join(out) + "\n}\n"
