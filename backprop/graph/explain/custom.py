"""A custom torch.autograd.Function: its backward is the user's own code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from backprop.graph.explain.given import Given, Uncheckable

if TYPE_CHECKING:  # the registry calls this module: the Node type only
    from backprop.graph.explain.registry import Node


def custom_formula(c: Given, slot: int) -> torch.Tensor:
    """Slot `slot` of what the user's backward returns, called again on what it received."""
    fn = c.node
    grads = type(fn)._forward_cls.backward(fn, *c.gs)
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != len(c.shapes):  # non-tensor arguments get a None we cannot place
        tensors = [g for g in grads if g is not None]
        if len(tensors) != sum(s is not None for s in c.shapes):
            raise Uncheckable("its backward returns a different number of gradients than "
                              "it has tensor inputs")
        grads = tuple(tensors)
    return grads[slot]


def explain_custom(n: Node) -> tuple[str, str]:
    """The explanation of a custom Function's node: what it is, and that it is your code."""
    name = n.label.removesuffix("Backward")
    targets = [t for t in n.targets if t is not None]
    sent = ", ".join(targets) if targets else "no node"
    return (f"Your function's backward: {n.label} was recorded by {name}.apply(...), a "
            f"custom torch.autograd.Function. Autograd does not know its derivative; it calls "
            f"{name}.backward(ctx, g) with g = {n.g_of}, and whatever that returns is sent on, "
            f"to {sent}. The check calls your backward once more on the same g and compares.",
            f"{name}.backward(ctx, g)")
