"""backprop.graph's Graph -> the graph chapter's plain data (report.model.GraphView)."""

from __future__ import annotations

from report.model import GraphNode, GraphView, omitted_layers, shown_layers


def graph_view(graph) -> GraphView:
    """The nodes, drawing and note of backprop.graph's `graph`."""
    nodes = tuple(
        GraphNode(node.number, node.kind, node.label, node.layer, tuple(node.inputs),
                  tuple(node.outputs), tuple(_saved(s) for s in node.saved if s.shape is not None),
                  node.explanation,
                  node.formula, tuple(tuple(step) for step in node.steps))
        for node in graph.nodes)
    backward = sum(node.kind in ("backward", "accumulate") for node in nodes)
    return GraphView(nodes, graph.svg, graph.note if graph.svg is None else None, backward)


def _saved(saved: object) -> str:
    """`mat2 = W3 (10×10)`: a saved value's name, meaning and shape."""
    shape = "" if saved.shape is None else f" ({'×'.join(map(str, saved.shape)) or 'scalar'})"
    return f"{saved.name} = {saved.meaning}{shape}"


def first_of_each_kind(view: GraphView) -> list[GraphNode]:
    """The first box of each label and kind, in number order: one to explain in full."""
    seen: set[tuple[str, str]] = set()
    found = []
    for node in view.nodes:
        key = (node.kind, node.label if node.kind not in ("leaf",) else node.label[:1])
        if key not in seen:
            seen.add(key)
            found.append(node)
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
