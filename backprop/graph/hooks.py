"""One backward over the graph with a hook on every node: what each received and sent, and
the order the engine really ran them in (not the breadth-first numbering).

The user's graph is left as it was: the backward keeps it (retain_graph=True), and every
leaf's .grad is put back afterwards, so a later backward() of theirs sees nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from backprop.graph.records import Layout

Grads = tuple[torch.Tensor | None, ...]


@dataclass
class Observed:
    """What one hooked backward saw, by box number."""

    received: dict[int, Grads] = field(default_factory=dict)  # dL/d(outputs) given to it
    sent: dict[int, Grads] = field(default_factory=dict)      # per next_functions slot
    ran: dict[int, int] = field(default_factory=dict)         # 1 = the first node to run
    leaf_grads: dict[int, torch.Tensor | None] = field(default_factory=dict)  # leaf -> .grad
    failure: str | None = None                                # why backward() raised


def _keep(grads: tuple) -> Grads:
    # The very tensors, not copies: the engine adds gradients out of place while anyone
    # else holds them, and a gradient handed on is often the next node's input (one summary).
    return tuple(grads)


def observe(layout: Layout) -> Observed:
    """Run backward from box 1 once, hooks on every node, and put every leaf's .grad back."""
    seen = Observed()
    output = layout.box(1).obj
    nodes = [b for b in layout.boxes if b.kind in ("backward", "accumulate")]
    leaves = [b for b in layout.boxes if b.kind == "leaf"]
    kept = [(leaf.obj, leaf.obj.grad) for leaf in leaves]
    handles = []

    for box in nodes:
        def before(grad_outputs: tuple, number: int = box.number) -> None:
            seen.ran[number] = len(seen.ran) + 1
            seen.received[number] = _keep(grad_outputs)

        def after(grad_inputs: tuple, grad_outputs: tuple, number: int = box.number) -> None:
            seen.sent[number] = _keep(grad_inputs)

        handles += [box.obj.register_prehook(before), box.obj.register_hook(after)]
    try:
        for tensor, _ in kept:
            tensor.grad = None
        output.backward(retain_graph=True)
    except RuntimeError as err:
        lines = str(err).strip().splitlines()
        seen.failure = lines[0] if lines else type(err).__name__
    finally:
        for leaf, (tensor, old) in zip(leaves, kept, strict=True):
            grad = tensor.grad
            seen.leaf_grads[leaf.number] = grad
            tensor.grad = old
        for handle in handles:
            handle.remove()
    return seen
