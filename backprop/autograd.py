"""The reference pass: the same network built from torch ops, differentiated by autograd."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from backprop.problem import Problem
from backprop.trace import Trace


@dataclass(frozen=True)
class AutogradGraph:
    """The loss with its autograd graph kept alive, and the named leaf parameters."""

    loss: torch.Tensor
    params: dict[str, torch.Tensor]  # W1, b1, ..., leaves with requires_grad


def build_graph(problem: Problem) -> tuple[AutogradGraph, list[torch.Tensor], list[torch.Tensor]]:
    """Forward with autograd recording: the graph, and z_k, h_k with retained grads.

    Every backward node a layer creates is tagged `grad_fn.metadata["layer"] = k`
    (None for the loss's nodes), so the graph view can say which layer a node is in.
    """
    params: dict[str, torch.Tensor] = {}
    zs, hs = [], []
    h = problem.x
    for k, (W0, b0) in enumerate(zip(problem.weights, problem.biases), start=1):
        W = params[f"W{k}"] = W0.clone().requires_grad_()
        b = params[f"b{k}"] = b0.clone().requires_grad_()
        z = h @ W + b
        h = torch.relu(z)
        _tag_layer(h.grad_fn, k, stop=hs[-1].grad_fn if hs else None)
        z.retain_grad()
        h.retain_grad()
        zs.append(z)
        hs.append(h)
    loss = (h - problem.y).pow(2)
    if problem.config.batch > 1:
        loss = loss.sum()  # with batch 1 the sum has one term: the graph stays the homework's
    _tag_layer(loss.grad_fn, None, stop=hs[-1].grad_fn)
    return AutogradGraph(loss, params), zs, hs


def reference_pass(problem: Problem) -> tuple[Trace, AutogradGraph]:
    """Forward and backward by torch.autograd; the graph is retained for drawing."""
    graph, zs, hs = build_graph(problem)
    graph.loss.backward(retain_graph=True)
    W = [graph.params[f"W{k}"] for k in range(1, len(zs) + 1)]
    b = [graph.params[f"b{k}"] for k in range(1, len(zs) + 1)]
    trace = Trace(
        z=tuple(z.detach() for z in zs),
        mask=tuple(z.detach() > 0 for z in zs),
        h=tuple(h.detach() for h in hs),
        loss=graph.loss.detach().reshape(()),
        grad_h=tuple(h.grad for h in hs),
        delta=tuple(z.grad for z in zs),
        grad_W=tuple(w.grad for w in W),
        grad_b=tuple(v.grad for v in b),
    )
    return trace, graph


def _tag_layer(node: object, layer: int | None, stop: object) -> None:
    """Tag `node` and the nodes it reaches, up to `stop` and the leaves, with the layer."""
    todo = [node]
    while todo:
        fn = todo.pop()
        if fn is None or fn is stop or "layer" in fn.metadata:
            continue
        fn.metadata["layer"] = layer
        todo.extend(next_fn for next_fn, _ in fn.next_functions)
