"""backprop.graph's Graph -> the graph chapter's plain data (report.model.GraphView)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from report.model import GraphNode, GraphView, omitted_layers, shown_layers

if TYPE_CHECKING:  # imports torch
    from backprop.graph import Graph, SavedValue
    from backprop.graph.source import SourceLine


def graph_view(graph: Graph, n: int | None = None) -> GraphView:
    """The nodes, drawing and note of backprop.graph's `graph` of a network of n layers.

    A network too deep to draw legibly on one page shows the excerpt backprop.graph
    drew of it (graph.svg_excerpt); n=None shows the graph whole.
    """
    nodes = tuple(
        GraphNode(node.number, node.kind, node.label, node.layer, tuple(node.inputs),
                  tuple(node.outputs), tuple(_saved(s) for s in node.saved if s.shape is not None),
                  node.explanation,
                  node.formula, tuple(tuple(step) for step in node.steps), node.verified,
                  "" if node.error is None else f"{node.error:.2g}", node.why,
                  _source(node.source))
        for node in graph.nodes)
    backward = sum(node.kind in ("backward", "accumulate") for node in nodes)
    svg, excerpt = graph.svg, None
    if n is not None and graph.svg_excerpt is not None:
        svg, excerpt = graph.svg_excerpt, graph.excerpt
    # The saved view goes in the report only whole: an excerpt of it would repeat the one above.
    saved = graph.svg_saved if excerpt is None else None
    wires = tuple((w.tail, w.head, w.text) for w in graph.wires)
    return GraphView(nodes, svg, graph.note if graph.svg is None else None, backward, excerpt,
                     saved, graph.verified_text, wires)


def _source(source: SourceLine | None) -> str:
    """`autograd.py:33`: the file's name and the line, compact enough for a table cell."""
    return "" if source is None else f"{PurePosixPath(source.file).name}:{source.line}"


def _saved(saved: SavedValue) -> str:
    """`mat2 = W3 (10×10)`: a saved value's name, meaning and shape."""
    shape = "" if saved.shape is None else f" ({'×'.join(map(str, saved.shape)) or 'scalar'})"
    return f"{saved.name} = {saved.meaning}{shape}"


def node_kind(node: GraphNode) -> tuple[str, str, int]:
    """What makes two boxes the same kind: kind, label (a leaf's letter, W or b), fan-out.

    The fan-out tells layer 1's MmBackward0, which sends nothing to x, from the others.
    """
    label = node.label[:1] if node.kind == "leaf" else node.label
    return node.kind, label, len(node.inputs) if node.kind == "backward" else 0


def first_of_each_kind(view: GraphView) -> dict[tuple[str, str], GraphNode]:
    """The first box of each kind, in number order: the one explained in full."""
    found: dict[tuple[str, str], GraphNode] = {}
    for node in view.nodes:
        found.setdefault(node_kind(node), node)
    return found


def node_groups(view: GraphView, n: int) -> list[tuple[str, list[GraphNode]]]:
    """The boxes grouped for the table: the loss's, layers n down to 1, then saved tensors.

    A deep network's middle layers are one group with no rows, whose heading says which
    boxes it stands for: they are the same kinds of box, and graph.json lists them all.
    """
    shown = {*shown_layers(n), None}   # None: the loss's boxes
    gap = omitted_layers(n)
    groups: list[tuple[str, list[GraphNode]]] = []
    drawn = [node for node in view.nodes if node.kind != "saved"]
    for layer in (None, *range(n, 0, -1)):
        members = [node for node in drawn if node.layer == layer]
        if gap and layer == gap[1]:
            left_out = [node.number for node in drawn
                        if node.layer is not None and gap[0] <= node.layer <= gap[1]]
            groups.append((f"Layers {gap[1]} down to {gap[0]}: {len(left_out)} boxes of the "
                           f"same kinds, numbered {min(left_out)}–{max(left_out)}, "
                           "left out here (graph.json has them all)", []))
        if members and layer in shown:
            heading = ("The loss" if layer is None else
                       f"Layer {layer}" + (" (output)" if layer == n else ""))
            groups.append((heading, members))
    saved = [node for node in view.nodes if node.kind == "saved" and node.layer in shown]
    if saved:
        groups.append(("Saved tensors (drawn in graph-saved.svg)", saved))
    return groups


def output_wires(view: GraphView, n: int) -> dict[str, int]:
    """The numbers of the output layer's boxes, by role: relu, add, mm, acc_b, acc_W, below,
    and above (the box the ReLU gets its gradient from)."""
    by_number = {node.number: node for node in view.nodes}
    relu = next((node for node in view.nodes if node.layer == n
                 and node.label == "ReluBackward0"), None)
    if relu is None or len(relu.inputs) != 1:
        return {}
    add = by_number[relu.inputs[0]]
    found = {"relu": relu.number, "add": add.number}
    if len(relu.outputs) == 1:
        found["above"] = relu.outputs[0]
    for number in add.inputs:
        role = "mm" if by_number[number].label == "MmBackward0" else "acc_b"
        found[role] = number
    for number in by_number[found["mm"]].inputs if "mm" in found else ():
        found["acc_W" if by_number[number].label == "AccumulateGrad" else "below"] = number
    return found
