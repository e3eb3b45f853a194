"""Test helper: find the torch object behind each numbered box, by following the records."""

from __future__ import annotations

import torch

from backprop.graph import Graph


def torch_children(obj: object) -> list[object]:
    """What gradients flow to from `obj`: grad_fn (and a view's base), or a node's inputs."""
    if torch.is_tensor(obj):
        found = [obj.grad_fn] if obj.grad_fn is not None else []
        return found + ([obj._base] if obj._is_view() else [])
    found = [obj.variable] if hasattr(obj, "variable") else []
    return found + [fn for fn, _ in obj.next_functions if fn is not None]


def objects_by_number(graph: Graph, output: torch.Tensor) -> dict[int, object]:
    """number -> tensor or node, checking on the way that the numbering is breadth-first.

    Walking the records in number order, each record's inputs must be exactly its torch
    children, in order, and every child seen for the first time must get the next number.
    """
    objects: dict[int, object] = {1: output}
    next_new = 2
    for node in graph.nodes:
        if node.kind == "saved":
            continue
        children = torch_children(objects[node.number])
        assert len(node.inputs) == len(children), f"#{node.number} {node.label}"
        for number, child in zip(node.inputs, children, strict=True):
            if number in objects:
                assert objects[number] is child, f"#{number} is two different objects"
            else:
                assert number == next_new, f"#{number} is not breadth-first (expected {next_new})"
                objects[number] = child
                next_new += 1
    return objects


def hooked_backward(graph: Graph, output: torch.Tensor,
                    inputs: list[torch.Tensor] | None = None) -> dict[int, tuple]:
    """number -> (gradients the node sent, gradient it received), seen by node hooks on
    every backward node during one backward of `output` (the graph is kept, the hooks go).

    With `inputs` it is `torch.autograd.grad` to them, which leaves their `.grad` alone;
    else `output.backward()`.
    """
    objects = objects_by_number(graph, output)
    seen: dict[int, tuple] = {}
    handles = []
    for node in graph.nodes:
        if node.kind == "backward":
            def hook(grad_in, grad_out, number=node.number):
                seen[number] = (grad_in, grad_out[0])
            handles.append(objects[node.number].register_hook(hook))
    try:
        if inputs is None:
            output.backward(retain_graph=True)
        else:
            torch.autograd.grad(output.sum(), inputs, retain_graph=True)
    finally:
        for handle in handles:
            handle.remove()
    return seen
