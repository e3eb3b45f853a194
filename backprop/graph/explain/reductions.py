"""Reductions to fewer entries: sum, mean, max, amax, norms, variance; and cumsum."""

from __future__ import annotations

from math import prod

import torch

from backprop.graph.explain.given import Given, Uncheckable, count, unreduce
from backprop.graph.explain.registry import Node, template


def _g_back(c: Given) -> torch.Tensor:
    """g with the reduced dimensions back in place (size 1), as keepdim=True would give."""
    if c.label.endswith("Backward0") and c.label.startswith(("Sum", "Mean")):
        return c.g  # over every entry: g is one number
    return unreduce(c.g, c.axes(), bool(c.saved.get("keepdim")))


def _sum(c: Given) -> torch.Tensor:
    return _g_back(c).expand(c.input_sizes())


def _mean(c: Given) -> torch.Tensor:
    sizes = c.input_sizes()
    n = prod(sizes) if c.label == "MeanBackward0" else count(sizes, c.axes())
    return (_g_back(c) / n).expand(sizes)


def _where_text(n: Node) -> tuple[str, str]:
    """(' over dimension 1 (size 4)', 'g.unsqueeze(1) ') for a reduction with dims."""
    _, over = mean_count(n.values.get("self_sym_sizes"), n.values.get("dim"))
    if not over or over.startswith("all"):
        return (f" over {over}" if over else ""), ""
    dims = over.split(" (")[0].split(" ", 1)[1]
    if n.values.get("keepdim"):
        return f" over {over}, keeping it as size 1", ""
    return f" over {over}", f"g.unsqueeze({dims.replace(' and ', ', ')}) "


@template("SumBackward0", "SumBackward1", grads=(_sum,))
def _sum_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    where, unsqueeze = _where_text(n)
    spread = unsqueeze or "g "
    put_back = (f" first puts the summed dimension back as size 1 ({unsqueeze.strip()}), then"
                if unsqueeze else "")
    return (f"Created by a sum, {n.made(n.call('sum'))}{where}. Every entry counts with weight "
            f"1, so backward{put_back} copies g = {n.g_of} back to every entry it summed: "
            f"{n.flow(0, f'dL/d{a} = {spread}expanded to the shape of {a}')}.",
            f"grad_self = {unsqueeze or 'g '}expanded to self's shape")


@template("MeanBackward0", "MeanBackward1", grads=(_mean,))
def _mean_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    number, _ = mean_count(n.values.get("self_sym_sizes"), n.values.get("dim"))
    where, unsqueeze = _where_text(n)
    spread = unsqueeze or "g "
    put_back = f", its reduced dimension put back ({unsqueeze.strip()})," if unsqueeze else ""
    return (f"Created by a mean, {n.made(n.call('mean'))}{where}. Each entry counts 1/N, so "
            f"backward spreads g = {n.g_of}{put_back} evenly over the entries it averaged: "
            f"{n.flow(0, f'dL/d{a} = {spread}/ N on every entry')}, N = {number}.",
            f"grad_self = {unsqueeze or 'g '}/ N expanded to self's shape")


def mean_count(sizes: object, dims: object) -> tuple[str, str]:
    """(N, which entries) of a mean from its saved self_sym_sizes and dim: ("3", "dim 0")."""
    if not isinstance(sizes, tuple) or not all(isinstance(s, int) for s in sizes):
        return "the number of entries averaged", ""
    if not isinstance(dims, tuple) or not dims or not sizes:  # None or (): every entry
        return str(prod(sizes)), f"all {prod(sizes)} entries"
    # torch stores a negative dim as an unsigned 64-bit number: -1 is 2^64 - 1.
    axes = sorted({(d - 2**64 if d >= 2**63 else d) % len(sizes) for d in dims})
    number = prod(sizes[d] for d in axes)
    names = " and ".join(str(d) for d in axes)
    factors = " x ".join(str(sizes[d]) for d in axes)
    size = f"size {number}" if len(axes) == 1 else f"sizes {factors} = {number}"
    return str(number), f"dimension{'s' * (len(axes) > 1)} {names} ({size})"


def _max_dim(c: Given) -> torch.Tensor:
    (d,) = c.axes()
    keep = bool(c.saved.get("keepdim"))
    index = unreduce(c.indices, (d,), keep)
    return torch.zeros(c.input_sizes(), dtype=c.g.dtype).scatter(d, index, _g_back(c))


def _max_all(c: Given) -> torch.Tensor:
    # Ties share the gradient evenly (torch's evenly_distribute_backward).
    hit = c.self == c.result
    return torch.where(hit, c.g / hit.sum(), 0.0)


def _amax(c: Given) -> torch.Tensor:
    dims, keep = c.axes(), bool(c.saved.get("keepdim"))
    hit = c.self == unreduce(c.result, dims, keep)
    return torch.where(hit, _g_back(c) / hit.sum(dims, keepdim=True), 0.0)


@template("MaxBackward0", "MinBackward0", grads=(_max_dim,))
def _max_dim_text(n: Node) -> tuple[str, str]:
    a, which = n.op(0), n.label[:3].lower()
    return (f"Created by {which}({a}, dim), which keeps one entry per row along dim and saves "
            f"where it was (indices). Only that entry affected the result, so backward puts "
            f"g = {n.g_of} there and 0 elsewhere: "
            f"{n.flow(0, f'dL/d{a} = zeros with g scattered at the saved indices')}.",
            "grad_self = zeros.scatter(dim, indices, g)")


@template("MaxBackward1", "MinBackward1", grads=(_max_all,))
def _max_all_text(n: Node) -> tuple[str, str]:
    a, which = n.op(0), n.label[:3].lower()
    return (f"Created by {which}({a}) over every entry. The entries equal to the result share "
            f"g = {n.g_of} evenly (one entry gets all of it unless there are ties): "
            f"{n.flow(0, f'dL/d{a} = g / k where {a} == result, else 0')}.",
            "grad_self = g / k where self == result (k such entries), else 0")


@template("AmaxBackward0", "AminBackward0", grads=(_amax,))
def _amax_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by {n.label[:4].lower()}({a}, dim): the extreme value along dim, the "
            f"gradient shared evenly by ties. With g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g / k where {a} equals the saved result, else 0')}.",
            "grad_self = g / k where self == result along dim, else 0")


def _cumsum(c: Given) -> torch.Tensor:
    d = c.axes(ndim=c.g.dim())[0]
    return c.g.flip(d).cumsum(d).flip(d)


@template("CumsumBackward0", grads=(_cumsum,))
def _cumsum_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by a running sum along a dimension, {n.made(n.call('cumsum'))}. Entry i "
            f"of {a} appears in every partial sum from i on, so with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g summed from the end backwards (reversed cumsum)')}.",
            "grad_self = flip(cumsum(flip(g)))")


def _norm(c: Given) -> torch.Tensor:
    p = float(c.ord)
    if p in (0.0, float("inf"), float("-inf")):
        raise Uncheckable(f"the formula is written for finite nonzero orders, not ord={p:g}")
    dims, keep = c.axes(ndim=c.self.dim()), bool(c.saved.get("keepdim"))
    norm = unreduce(c.result, dims, keep)
    slope = c.self * c.self.abs() ** (p - 2) / norm ** (p - 1)
    return unreduce(c.g, dims, keep) * torch.where(norm == 0, 0.0, slope)


@template("LinalgVectorNormBackward0", grads=(_norm,))
def _norm_text(n: Node) -> tuple[str, str]:
    a, p = n.op(0), n.values.get("ord", 2)
    return (f"Created by the vector norm ||{a}||_{p} = (sum |{a}|^{p})^(1/{p}). Its "
            f"derivative is {a} |{a}|^({p}-2) / ||{a}||^({p}-1) ({a} / ||{a}|| for p = 2): with "
            f"g = {n.g_of}, {n.flow(0, f'dL/d{a} = g * {a} * |{a}|^(p-2) / result^(p-1)')}.",
            "grad_self = g * self * |self|^(p-2) / result^(p-1)")


def _var(c: Given) -> torch.Tensor:
    dims, keep = c.axes(ndim=c.self.dim()), bool(c.saved.get("keepdim"))
    n = count(tuple(c.self.shape), dims) - c.saved.get("correction", 1)
    centred = c.self - c.self.mean(dims, keepdim=True)
    return 2 / n * centred * unreduce(c.g, dims, keep)


@template("VarBackward0", grads=(_var,))
def _var_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by a variance, {n.made(n.call('var'))}, the mean squared deviation "
            f"divided by N - correction. With g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = 2 / (N - correction) * ({a} - mean) * g')}.",
            "grad_self = 2 / (N - correction) * (self - mean) * g")
