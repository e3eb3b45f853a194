"""Softmax, log-softmax and the losses: NLL (cross-entropy's second half), BCE, MSE."""

from __future__ import annotations

import torch

from backprop.graph.explain.given import Given, Uncheckable
from backprop.graph.explain.registry import Node, template

REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}  # torch's saved `reduction` codes


def _reduction(n: Node) -> str:
    return REDUCTIONS.get(n.values.get("reduction"), "unknown")


def _per_entry(c: Given, grad: torch.Tensor) -> torch.Tensor:
    """grad (per entry of the input, for g = 1) times g, divided by N for 'mean'."""
    if c.reduction == 1:
        return grad * c.g / grad.numel()
    return grad * c.g


def _softmax(c: Given) -> torch.Tensor:
    d = c.axes(ndim=c.result.dim())[0]
    return c.result * (c.g - (c.g * c.result).sum(d, keepdim=True))


@template("SoftmaxBackward0", "SafeSoftmaxBackward0", grads=(_softmax,))
def _softmax_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    safe = (" (the safe softmax of attention: a row that is all -inf gives 0, not nan)"
            if n.label.startswith("Safe") else "")
    return (f"Created by softmax along a dimension, {n.made(n.call('softmax'))}{safe}. Each "
            f"output depends on every input of its row, so with the saved result y and "
            f"g = {n.g_of}: {n.flow(0, f'dL/d{a} = y * (g - sum(g * y))')}, the sum along "
            f"the softmax's dimension.", "grad_self = y * (g - sum_dim(g * y)),  y = result")


def _log_softmax(c: Given) -> torch.Tensor:
    d = c.axes(ndim=c.result.dim())[0]
    return c.g - c.result.exp() * c.g.sum(d, keepdim=True)


@template("LogSoftmaxBackward0", grads=(_log_softmax,))
def _log_softmax_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by log_softmax, {n.made(n.call('log_softmax'))}: the first half of "
            f"cross_entropy. With the saved result y (so exp(y) is the softmax) and "
            f"g = {n.g_of}: {n.flow(0, f'dL/d{a} = g - exp(y) * sum(g)')}, the sum along the "
            f"dimension.", "grad_self = g - exp(result) * sum_dim(g)")


def _nll(c: Given) -> torch.Tensor:
    x, target = c.self, c.target
    classes = 1 if x.dim() > 1 else 0
    weight = c.weight if c.has("weight") else torch.ones(x.shape[classes], dtype=x.dtype)
    valid = target != c.ignore_index
    safe = torch.where(valid, target, 0)
    scale = c.g / c.total_weight if c.reduction == 1 else c.g
    picked = -weight[safe] * valid * scale
    return torch.zeros_like(x).scatter(classes, safe.unsqueeze(classes),
                                       picked.unsqueeze(classes))


@template("NllLossBackward0", "NllLoss2DBackward0", grads=(_nll,))
def _nll_text(n: Node) -> tuple[str, str]:
    a, how = n.op(0), _reduction(n)
    per = " / (the sum of the targets' weights)" if how == "mean" else ""
    return (f"Created by nll_loss, {n.made(f'-{a}[i, target_i], reduced by {how}')}: the second "
            f"half of cross_entropy (reduction='{how}'). Only the entry of each row's target "
            f"class counts, so with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = -g * weight[target]{per} at each target, 0 elsewhere')}.",
            f"grad_self[i, target_i] = -g * weight[target_i]{per}; 0 elsewhere")


def _bce(c: Given) -> torch.Tensor:
    x = c.self
    grad = (x - c.target) / ((1 - x) * x).clamp_min(1e-12)
    if c.has("weight"):
        grad = grad * c.weight
    return _per_entry(c, grad)


@template("BinaryCrossEntropyBackward0", grads=(_bce,))
def _bce_text(n: Node) -> tuple[str, str]:
    p, t = n.op(0), n.op(1)
    per = " / N" if _reduction(n) == "mean" else ""
    return (f"Created by binary_cross_entropy of the probabilities {p} against {t} "
            f"(reduction='{_reduction(n)}'): -(t ln p + (1 - t) ln(1 - p)). With "
            f"g = {n.g_of}: {n.flow(0, f'dL/d{p} = g * (p - t) / (p (1 - p)){per}')}.",
            f"grad_self = g * (self - target) / (self * (1 - self)){per}")


def _bce_logits(c: Given, slot: int) -> torch.Tensor:
    x, t = c.self, c.target
    if slot == 1:
        if c.has("pos_weight"):
            raise Uncheckable("the target's gradient with pos_weight is not written out")
        grad = -x
    else:
        pos = c.pos_weight if c.has("pos_weight") else 1
        grad = torch.sigmoid(x) * (1 + (pos - 1) * t) - pos * t
    if c.has("weight"):
        grad = grad * c.weight
    return _per_entry(c, grad)


@template("BinaryCrossEntropyWithLogitsBackward0",
          grads=(lambda c: _bce_logits(c, 0), lambda c: _bce_logits(c, 1)))
def _bce_logits_text(n: Node) -> tuple[str, str]:
    x, t = n.op(0), n.op(1)
    per = " / N" if _reduction(n) == "mean" else ""
    return (f"Created by binary_cross_entropy_with_logits of the logits {x} against {t} "
            f"(reduction='{_reduction(n)}'): the sigmoid and the loss in one step, which is "
            f"stable for large |{x}|. With g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{x} = g * (sigmoid({x}) - {t}){per}')}; "
            f"{n.flow(1, f'dL/d{t} = -g * {x}{per}')}.",
            f"grad_self = g * (sigmoid(self) - target){per}")


def _mse(c: Given, sign: int) -> torch.Tensor:
    return _per_entry(c, sign * 2 * (c.self - c.target))


@template("MseLossBackward0", grads=(lambda c: _mse(c, 1), lambda c: _mse(c, -1)))
def _mse_text(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    reduction = _reduction(n)
    shape = n.shapes.get("self")
    count = str(torch.Size(shape).numel()) if shape is not None else "the number of entries"
    square = f"({a} - {b})^2"
    made = {"mean": f"mean({square})", "sum": f"sum({square})",
            "none": f"{square} entry by entry"}.get(reduction, f"{square}, reduced")
    per = " / N" if reduction == "mean" else ""
    tail = {"mean": f" N = {count}, the number of entries averaged.",
            "none": " Here g has one entry per entry of the input."}.get(reduction, "")
    return (f"Created by mse_loss, {n.made(made)}, with input = {a} and target = {b} "
            f"(reduction='{reduction}'). Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = 2 * ({a} - {b}) * g{per}')}; "
            f"{n.flow(1, f'dL/d{b} = -2 * ({a} - {b}) * g{per}')}.{tail}",
            f"grad_input = 2 (input - target) * g{per};  grad_target = -grad_input")
