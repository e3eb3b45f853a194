"""Convolutions and pooling: each output entry is a weighted sum over a window of the input."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch.nn import grad as conv_grad

from backprop.graph.explain.given import Given, Uncheckable
from backprop.graph.explain.registry import Node, template


def _conv_args(c: Given) -> tuple[int, dict]:
    if c.transposed:
        raise Uncheckable("the formula for a transposed convolution is not written out")
    spatial = c.input.dim() - 2
    if spatial not in (1, 2, 3):
        raise Uncheckable(f"a {spatial}-d convolution has no formula here")
    return spatial, {"stride": c.stride, "padding": c.padding, "dilation": c.dilation,
                     "groups": c.groups}


def _conv_input(c: Given) -> torch.Tensor:
    spatial, args = _conv_args(c)
    adjoint = getattr(conv_grad, f"conv{spatial}d_input")
    return adjoint(c.input.shape, c.weight, c.g, **args)


def _conv_weight(c: Given) -> torch.Tensor:
    spatial, args = _conv_args(c)
    adjoint = getattr(conv_grad, f"conv{spatial}d_weight")
    return adjoint(c.input, c.weight.shape, c.g, **args)


def _conv_bias(c: Given) -> torch.Tensor:
    return c.g.sum([d for d in range(c.g.dim()) if d != 1])


@template("ConvolutionBackward0", grads=(_conv_input, _conv_weight, _conv_bias))
def _conv(n: Node) -> tuple[str, str]:
    x, w, b = n.op(0), n.op(1), n.op(2)
    return (f"Created by a convolution, {n.made(f'conv({x}, {w}) + {b}')} (stride "
            f"{n.values.get('stride')}, padding {n.values.get('padding')}): each output entry "
            f"is the dot product of the kernel with one window of the input. With "
            f"g = {n.g_of}: {n.flow(0, f'dL/d{x} = the transposed convolution of g with {w}')}; "
            f"{n.flow(1, f'dL/d{w} = the correlation of {x} with g, window by window')}; "
            f"{n.flow(2, f'dL/d{b} = g summed over batch and positions')}.",
            "grad_input = conv_transpose(g, weight);  grad_weight = conv(input, g);  "
            "grad_bias = sum(g)")


def _max_pool(c: Given) -> torch.Tensor:
    x, index = c.self, c.result1
    flat = torch.zeros(*x.shape[:-2], x.shape[-2] * x.shape[-1], dtype=c.g.dtype)
    flat.scatter_add_(-1, index.flatten(-2), c.g.flatten(-2))
    return flat.view(x.shape)


@template("MaxPool2DWithIndicesBackward0", grads=(_max_pool,))
def _max_pool_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by max pooling, {n.made(f'max_pool2d({a})')} (kernel "
            f"{n.values.get('kernel_size')}): each output is the largest entry of its window, "
            f"and where it was is saved (result1). Backward sends g = {n.g_of} to that entry "
            f"only: {n.flow(0, f'dL/d{a} = zeros with g added at each window maximum')}.",
            "grad_self = zeros.scatter_add(indices, g)")


def _avg_pool(c: Given) -> torch.Tensor:
    x = c.self
    if c.ceil_mode or not c.count_include_pad or c.has("divisor_override"):
        raise Uncheckable("written out for ceil_mode=False, count_include_pad=True and no "
                          "divisor_override only")
    kernel = tuple(c.kernel_size)
    stride = tuple(c.stride) or kernel
    planes = c.g.reshape(-1, 1, *c.g.shape[-2:])
    ones = torch.full((1, 1, *kernel), 1 / math.prod(kernel), dtype=c.g.dtype)
    spread = F.conv_transpose2d(planes, ones, stride=stride, padding=tuple(c.padding))
    short = [x.shape[-2] - spread.shape[-2], x.shape[-1] - spread.shape[-1]]
    spread = F.pad(spread, (0, short[1], 0, short[0]))  # rows no window covered: 0
    return spread.reshape(x.shape)


@template("AvgPool2DBackward0", grads=(_avg_pool,))
def _avg_pool_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by average pooling, {n.made(f'avg_pool2d({a})')} (kernel "
            f"{n.values.get('kernel_size')}): each output is the mean of its window of k "
            f"entries. Backward spreads g = {n.g_of} evenly back over each window: "
            f"{n.flow(0, f'dL/d{a} = g / k added to every entry of its window')}.",
            "grad_self = each window += g / k")


def _adaptive(c: Given) -> torch.Tensor:
    x = c.self
    grad = torch.zeros_like(x, dtype=c.g.dtype)
    (height, width), (rows, cols) = x.shape[-2:], c.g.shape[-2:]
    for i in range(rows):
        top, bottom = (i * height) // rows, -((-(i + 1) * height) // rows)
        for j in range(cols):
            left, right = (j * width) // cols, -((-(j + 1) * width) // cols)
            share = c.g[..., i:i + 1, j:j + 1] / ((bottom - top) * (right - left))
            grad[..., top:bottom, left:right] += share
    return grad


@template("AdaptiveAvgPool2DBackward0", grads=(_adaptive,))
def _adaptive_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by adaptive average pooling of {a}: the input is cut into as many "
            f"windows as the output has entries, and each output is its window's mean. "
            f"Backward spreads g = {n.g_of} evenly over each window: "
            f"{n.flow(0, f'dL/d{a} = g / (window size) on every entry of the window')}.",
            "grad_self = each window += g / (window size)")
