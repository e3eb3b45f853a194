"""backprop.graph's Graph -> the graph chapter's plain data (report.model.GraphView)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from report.model import GraphNode, GraphView, omitted_layers, shown_layers

if TYPE_CHECKING:  # imports torch
    from backprop.graph import Graph, SavedValue


def graph_view(graph: Graph, n: int | None = None) -> GraphView:
    """The nodes, drawing and note of backprop.graph's `graph` of a network of n layers.

    A network too deep to draw legibly on one page shows the excerpt backprop.graph
    drew of it (graph.svg_excerpt); n=None shows the graph whole.
    """
    nodes = tuple(
        GraphNode(node.number, node.kind, node.label, node.layer, tuple(node.inputs),
                  tuple(node.outputs), tuple(_saved(s) for s in node.saved if s.shape is not None),
                  node.explanation,
                  node.formula, tuple(tuple(step) for step in node.steps))
        for node in graph.nodes)
    backward = sum(node.kind in ("backward", "accumulate") for node in nodes)
    svg, excerpt = graph.svg, None
    if n is not None and graph.svg_excerpt is not None:
        svg, excerpt = graph.svg_excerpt, graph.excerpt
    return GraphView(nodes, svg, graph.note if graph.svg is None else None, backward, excerpt)


def _saved(saved: SavedValue) -> str:
    """`mat2 = W3 (10×10)`: a saved value's name, meaning and shape."""
    shape = "" if saved.shape is None else f" ({'×'.join(map(str, saved.shape)) or 'scalar'})"
    return f"{saved.name} = {saved.meaning}{shape}"


def node_kind(node: GraphNode) -> tuple[str, str]:
    """What makes two boxes the same kind: their kind and label (a leaf's letter, W or b)."""
    return node.kind, node.label[:1] if node.kind == "leaf" else node.label


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
