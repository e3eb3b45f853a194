"""Normalisations: batch norm, layer norm and group norm (centre, scale, then affine)."""

from __future__ import annotations

import torch

from backprop.graph.explain.given import Given, Uncheckable
from backprop.graph.explain.registry import Node, template


def _normalised_input(g: torch.Tensor, x_hat: torch.Tensor, rstd: torch.Tensor,
                      dims: tuple[int, ...]) -> torch.Tensor:
    """dL/dx of x_hat = (x - mean) * rstd, given g = dL/dx_hat, statistics over `dims`."""
    mean_g = g.mean(dims, keepdim=True)
    mean_gx = (g * x_hat).mean(dims, keepdim=True)
    return rstd * (g - mean_g - x_hat * mean_gx)


def _channel(t: torch.Tensor, ndim: int) -> torch.Tensor:
    """A per-channel vector (C,) shaped to broadcast along dim 1 of an ndim tensor."""
    return t.reshape(1, -1, *([1] * (ndim - 2)))


def _batch_norm(c: Given, slot: int) -> torch.Tensor:
    x = c.input
    others = tuple(d for d in range(x.dim()) if d != 1)
    if c.training:
        mean, rstd = _channel(c.result1, x.dim()), _channel(c.result2, x.dim())
    else:
        mean = _channel(c.running_mean, x.dim())
        rstd = _channel(torch.rsqrt(c.running_var + c.eps), x.dim())
    x_hat = (x - mean) * rstd
    if slot == 1:
        return (c.g * x_hat).sum(others)
    if slot == 2:
        return c.g.sum(others)
    weight = _channel(c.weight, x.dim()) if c.has("weight") else 1
    if not c.training:
        return c.g * weight * rstd
    return _normalised_input(c.g * weight, x_hat, rstd, others)


@template("NativeBatchNormBackward0",
          grads=(lambda c: _batch_norm(c, 0), lambda c: _batch_norm(c, 1),
                 lambda c: _batch_norm(c, 2)))
def _batch_norm_text(n: Node) -> tuple[str, str]:
    x, w, b = n.op(0), n.op(1), n.op(2)
    training = n.values.get("training", True)
    stats = ("the batch's own mean and 1/std per channel (saved as result1, result2), so "
             "every entry's gradient depends on the whole batch" if training else
             "the running mean and variance (eval mode), constants here")
    return (f"Created by batch norm, {n.made(f'{w} * x_hat + {b}')}, x_hat = ({x} - mean) / "
            f"std per channel, using {stats}. With g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{x} = rstd * (g_hat - mean(g_hat) - x_hat * mean(g_hat * x_hat))')}"
            f" with g_hat = g * {w}; {n.flow(1, f'dL/d{w} = sum(g * x_hat)')}; "
            f"{n.flow(2, f'dL/d{b} = sum(g)')} (sums and means over all but the channel).",
            "grad_input = rstd (g w - mean(g w) - x_hat mean(g w x_hat));  "
            "grad_weight = sum(g x_hat);  grad_bias = sum(g)")


def _layer_norm(c: Given, slot: int) -> torch.Tensor:
    x = c.input
    dims = tuple(range(x.dim() - len(c.normalized_shape), x.dim()))
    x_hat = (x - c.result1) * c.result2
    batch = tuple(range(x.dim() - len(dims)))
    if slot == 1:
        return (c.g * x_hat).sum(batch)
    if slot == 2:
        return c.g.sum(batch)
    weight = c.weight if c.has("weight") else 1
    return _normalised_input(c.g * weight, x_hat, c.result2, dims)


@template("NativeLayerNormBackward0",
          grads=(lambda c: _layer_norm(c, 0), lambda c: _layer_norm(c, 1),
                 lambda c: _layer_norm(c, 2)))
def _layer_norm_text(n: Node) -> tuple[str, str]:
    x, w, b = n.op(0), n.op(1), n.op(2)
    return (f"Created by layer norm, {n.made(f'{w} * x_hat + {b}')}, x_hat = ({x} - mean) * "
            f"rstd over the last {len(n.values.get('normalized_shape', ()) or (1,))} "
            f"dimension(s) of each row (mean and rstd saved as result1, result2). With "
            f"g = {n.g_of} and g_hat = g * {w}: "
            f"{n.flow(0, f'dL/d{x} = rstd * (g_hat - mean(g_hat) - x_hat * mean(g_hat * x_hat))')}"
            f"; {n.flow(1, f'dL/d{w} = sum over rows of g * x_hat')}; "
            f"{n.flow(2, f'dL/d{b} = sum over rows of g')}.",
            "grad_input = rstd (g w - mean(g w) - x_hat mean(g w x_hat));  "
            "grad_weight = sum(g x_hat);  grad_bias = sum(g)")


def _group_norm(c: Given, slot: int) -> torch.Tensor:
    x = c.input
    groups = c.group
    if x.dim() < 2 or x.shape[1] % groups:
        raise Uncheckable("the channels do not split into the saved groups")
    grouped = (x.shape[0], groups, -1)
    stat = (x.shape[0], groups, 1)
    x_hat = ((x.reshape(grouped) - c.result1.reshape(stat)) * c.result2.reshape(stat))
    x_hat = x_hat.reshape(x.shape)
    others = tuple(d for d in range(x.dim()) if d != 1)
    if slot == 1:
        return (c.g * x_hat).sum(others)
    if slot == 2:
        return c.g.sum(others)
    weight = _channel(c.weight, x.dim()) if c.has("weight") else 1
    g_hat = (c.g * weight).reshape(grouped)
    grad = _normalised_input(g_hat, x_hat.reshape(grouped), c.result2.reshape(stat), (2,))
    return grad.reshape(x.shape)


@template("NativeGroupNormBackward0",
          grads=(lambda c: _group_norm(c, 0), lambda c: _group_norm(c, 1),
                 lambda c: _group_norm(c, 2)))
def _group_norm_text(n: Node) -> tuple[str, str]:
    x, w, b = n.op(0), n.op(1), n.op(2)
    return (f"Created by group norm, {n.made(f'{w} * x_hat + {b}')}: the channels of each "
            f"sample split into {n.values.get('group', 'G')} groups, each centred and scaled "
            f"by its own mean and rstd (saved). With g = {n.g_of} and g_hat = g * {w}: "
            f"{n.flow(0, f'dL/d{x} = rstd * (g_hat - mean(g_hat) - x_hat * mean(g_hat * x_hat)) per group')}"  # noqa: E501
            f"; {n.flow(1, f'dL/d{w} = sum(g * x_hat)')}; {n.flow(2, f'dL/d{b} = sum(g)')}.",
            "grad_input = rstd (g w - mean(g w) - x_hat mean(g w x_hat)) per group;  "
            "grad_weight = sum(g x_hat);  grad_bias = sum(g)")
