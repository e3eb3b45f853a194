"""Where boxes are drawn: a labelled Graphviz cluster per nn.Module, a band per layer of
the run's network, and the invisible edges that stack the clusters in one column."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TypeVar

from backprop.graph.records import NodeRecord

# The bands' labels are as large as the boxes': scaled to fit the page, 10 printed under 6.5 pt.
BAND_LABEL = 'shape=plaintext style="" fontname="DejaVu Sans" fontsize=12 fontcolor=gray30'
# A module's or layer's band: a labelled box drawn behind its boxes.
CLUSTER_ATTRS = ('style="rounded,dashed" color=gray55 fontname="DejaVu Sans" fontsize=12 '
                 'fontcolor=gray30 labeljust=l margin=0')


def group_of(record: NodeRecord) -> tuple[str, ...]:
    """Where a box is drawn: inside its module's cluster ('layer1', '0', 'conv1'), or its
    layer's band ('layer 3') for the run's network; () outside any."""
    if record.module:
        return tuple(record.module.split("."))
    # A layer's band holds its three nodes; its parameters sit beside it, level with the
    # layer above (where Graphviz ranks them), so the bands stack in one straight column.
    if record.layer is not None and record.kind == "backward":
        return (f"layer {record.layer}",)
    return ()


def natural(name: str) -> tuple:
    """'layer 10' after 'layer 9', 'blocks.10' after 'blocks.9'."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def clusters(boxes: dict[int, str], records: tuple[NodeRecord, ...]) -> list[str]:
    """The box statements, nested in one labelled Graphviz cluster per module or layer."""
    return nested([(group_of(records[number - 1]), statement)
                   for number, statement in boxes.items()])


_NUMBER = re.compile(r"^n(\d+) ")


def nested(placed: list[tuple[tuple[str, ...], str]]) -> list[str]:
    """Box statements, each in the cluster its path names (('layer1', '0') is layer1.0)."""
    tree: dict = {}
    for path, statement in placed:
        node = tree
        for part in path:
            node = node.setdefault(part, {})
        node.setdefault("", []).append(statement)
    lines: list[str] = []

    def emit(node: dict, path: tuple[str, ...]) -> None:
        # Box lines keep one leading tab at any depth: readers of the DOT match `\tn12 [`.
        lines.extend(f"\t{statement}" for statement in node.get("", []))
        for part in sorted((k for k in node if k), key=natural):
            name = ".".join((*path, part))
            lines.append(f'\tsubgraph "cluster_{name}" {{')
            numbers = sorted(int(m[1]) for s in node[part].get("", [])
                             if (m := _NUMBER.match(s)))
            if name.startswith("layer ") and not path and numbers:
                # A layer's band is labelled beside its middle row, not above it: a label
                # row per band would make the run's graph too tall for one page.
                mark = f"band{name[6:]}"
                lines.append(f'\t\tlabel="" {CLUSTER_ATTRS}')
                lines.append(f'\t\t{mark} [label="{name}" {BAND_LABEL}]')
                lines.append(f"\t\t{{ rank=same; {mark}; n{numbers[len(numbers) // 2]} }}")
            else:
                lines.append(f'\t\tlabel="{name}" {CLUSTER_ATTRS}')
            emit(node[part], (*path, part))
            lines.append("\t}")

    emit(tree, ())
    return lines


def stacking(edges: list[tuple[int, int]], records: tuple[NodeRecord, ...]
              ) -> list[tuple[int, int]]:
    """Invisible edges that put each module's cluster below the boxes feeding it.

    A cluster's parameters have no input: without these, Graphviz lifts them level with
    the cluster before it, the two cannot share rows, and the drawing runs diagonally.
    """
    paths = {n: group_of(records[n - 1]) if records[n - 1].module else ()
             for pair in edges for n in pair}
    return stacked(edges, paths)


Box = TypeVar("Box", int, str)


def stacked(edges: list[tuple[Box, Box]], paths: dict[Box, tuple[str, ...]]
            ) -> list[tuple[Box, Box]]:
    """stacking() for boxes of any name, each in the module cluster its path names."""

    def inside(box: Box) -> set[tuple[str, ...]]:
        path = paths[box]
        return {path[:i] for i in range(1, len(path) + 1)}

    feeds: dict[tuple[str, ...], set[Box]] = defaultdict(set)
    fed: dict[tuple[str, ...], set[Box]] = defaultdict(set)
    for tail, head in edges:
        outer, inner = inside(tail), inside(head)
        for cluster in inner - outer:
            feeds[cluster].add(tail)
        for cluster in inner & outer:
            fed[cluster].add(head)
    found = []
    for cluster in sorted(feeds):
        starts = sorted(n for n in paths if cluster in inside(n) and n not in fed[cluster])
        found += [(tail, start) for tail in sorted(feeds[cluster]) for start in starts
                  if tail != start and (tail, start) not in edges]
    return list(dict.fromkeys(found))
