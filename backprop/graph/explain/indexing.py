"""Picking and joining entries: select, slice, index, gather, embedding, cat, stack, split."""

from __future__ import annotations

import torch

from backprop.graph.explain.given import Given, Uncheckable
from backprop.graph.explain.registry import Node, template

BIG = 2**62  # torch saves an open slice end (a[1:]) as the largest int64


def _zeros(c: Given) -> torch.Tensor:
    return torch.zeros(c.input_sizes(), dtype=c.g.dtype)


@template("SelectBackward0", grads=(lambda c: _zeros(c).select_scatter(c.g, c.dim, c.index),))
def _select(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by indexing one slice, {n.made(f'{a}[i]')} (dim {n.values.get('dim', 0)},"
            f" index {n.values.get('index', 'i')}). Backward puts g = {n.g_of} back in its "
            f"place and zeros elsewhere: "
            f"{n.flow(0, f'dL/d{a} = zeros with g at the selected index')}.",
            "grad_self = zeros; grad_self[index] = g")


def _slice(c: Given) -> torch.Tensor:
    d = c.axes(ndim=len(c.input_sizes()))[0]
    end = min(c.end, c.input_sizes()[d]) if c.end < BIG else c.input_sizes()[d]
    return _zeros(c).slice_scatter(c.g, d, c.start, end, c.step)


@template("SliceBackward0", grads=(_slice,))
def _slice_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by slicing, {n.made(f'{a}[start:end:step]')} along dim "
            f"{n.values.get('dim', 0)}. The slice is a view of some entries; backward puts "
            f"g = {n.g_of} back where they were: "
            f"{n.flow(0, f'dL/d{a} = zeros with g in the sliced positions')}.",
            "grad_self = zeros; grad_self[start:end:step] = g")


def _index(c: Given) -> torch.Tensor:
    return _zeros(c).index_put(tuple(c.indices), c.g, accumulate=True)


@template("IndexBackward0", grads=(_index,))
def _index_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by advanced indexing, {n.made(f'{a}[indices]')}, which copies the "
            f"entries the saved indices pick. An entry picked twice gets both gradients, so "
            f"backward adds g = {n.g_of} into zeros at the indices: "
            f"{n.flow(0, f'dL/d{a} = zeros.index_put(indices, g, accumulate=True)')}.",
            "grad_self = zeros.index_put(indices, g, accumulate=True)")


def _index_put(c: Given, slot: int) -> torch.Tensor:
    indices = tuple(c.indices)
    if slot == 1:
        return c.g[indices]
    return c.g if c.accumulate else c.g.index_put(indices, torch.zeros((), dtype=c.g.dtype))


@template("IndexPutBackward0", grads=(lambda c: _index_put(c, 0), lambda c: _index_put(c, 1)))
def _index_put_text(n: Node) -> tuple[str, str]:
    a, v = n.op(0), n.op(1)
    return (f"Created by index_put (a[indices] = values), {n.made(f'{a} with {v} written in')}."
            f" The overwritten entries of {a} no longer count: with g = {n.g_of}, "
            f"{n.flow(0, f'dL/d{a} = g with 0 at the indices (g itself when accumulating)')}; "
            f"{n.flow(1, f'dL/d{v} = g[indices]')}.",
            "grad_self = g, zeroed at indices unless accumulate;  grad_values = g[indices]")


@template("GatherBackward0", grads=(
    lambda c: torch.zeros_like(c.self, dtype=c.g.dtype).scatter_add(c.dim, c.index, c.g),))
def _gather(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by {n.made(f'{a}.gather(dim, index)')}, which picks one entry of {a} "
            f"per position of index. Backward adds g = {n.g_of} back where each came from: "
            f"{n.flow(0, f'dL/d{a} = zeros.scatter_add(dim, index, g)')}.",
            "grad_self = zeros.scatter_add(dim, index, g)")


def _embedding(c: Given) -> torch.Tensor:
    if c.saved.get("scale_grad_by_freq"):
        raise Uncheckable("the formula for scale_grad_by_freq=True is not written out")
    width = c.g.shape[-1]
    grad = torch.zeros(c.weight_sym_argsize_0, width, dtype=c.g.dtype)
    grad.index_add_(0, c.indices.reshape(-1), c.g.reshape(-1, width))
    if c.padding_idx >= 0:
        grad[c.padding_idx] = 0
    return grad


@template("EmbeddingBackward0", grads=(_embedding,))
def _embedding_text(n: Node) -> tuple[str, str]:
    w = n.op(0)
    return (f"Created by an embedding lookup, {n.made(f'{w}[indices]')}: one row of the table "
            f"{w} per saved index. A row looked up several times gets the sum of their "
            f"gradients, so with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{w} = zeros with each row of g added into row indices[i]')}.",
            "grad_weight = zeros.index_add(0, indices, g)")


def _offsets(c: Given, slot: int) -> tuple[int, int, int]:
    """(dim, start, length) of input `slot` inside a cat's output."""
    d = c.axes(ndim=c.g.dim())[0]
    sizes = [c.in_shape(i)[d] if c.in_shape(i) else 0 for i in range(len(c.shapes))]
    return d, sum(sizes[:slot]), sizes[slot]


def _cat(c: Given, slot: int) -> torch.Tensor:
    d, start, length = _offsets(c, slot)
    return c.g.narrow(d, start, length)


@template("CatBackward0", grads=_cat)
def _cat_text(n: Node) -> tuple[str, str]:
    return (f"Created by torch.cat of {len(n.operands)} tensors along dim "
            f"{n.values.get('dim', 0)}. Each input owns a block of the output, so backward "
            f"cuts g = {n.g_of} into the same blocks: "
            + "; ".join(n.flow(i, f"dL/d{n.op(i)} = its block of g")
                        for i in range(len(n.operands))) + ".",
            "grad_input_i = g.narrow(dim, offset_i, size_i)")


@template("StackBackward0", grads=lambda c, i: c.g.select(c.axes(ndim=c.g.dim())[0], i))
def _stack_text(n: Node) -> tuple[str, str]:
    return (f"Created by torch.stack of {len(n.operands)} tensors along a new dim "
            f"{n.values.get('dim', 0)}. Backward takes slice i of g = {n.g_of} for input i: "
            + "; ".join(n.flow(i, f"dL/d{n.op(i)} = g.select(dim, {i})")
                        for i in range(len(n.operands))) + ".",
            "grad_input_i = g.select(dim, i)")


def _join(c: Given, sizes: list[int], d: int) -> torch.Tensor:
    """The pieces' gradients put back together; a piece that got none contributes zeros."""
    parts = []
    for i, size in enumerate(sizes):
        got = c.gs[i] if i < len(c.gs) else None
        if got is None:
            shape = list(c.input_sizes())
            shape[d] = size
            got = torch.zeros(shape, dtype=next(g for g in c.gs if g is not None).dtype)
        parts.append(got)
    return torch.cat(parts, d)


def _split(c: Given) -> torch.Tensor:
    sizes_in = c.input_sizes()
    d = c.axes(ndim=len(sizes_in))[0]
    if c.has("split_sizes"):
        sizes = list(c.split_sizes)
    else:
        full, rest = divmod(sizes_in[d], c.split_size)
        sizes = [c.split_size] * full + ([rest] if rest else [])
    return _join(c, sizes, d)


@template("SplitBackward0", "SplitWithSizesBackward0", grads=(_split,))
def _split_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by split or chunk of {a} along dim {n.values.get('dim', 0)}: the pieces "
            f"are views of consecutive blocks. Backward receives one gradient per piece (zeros "
            f"for a piece that was not used) and joins them: "
            f"{n.flow(0, f'dL/d{a} = cat(g of each piece, dim)')}.",
            "grad_self = cat(g_0, g_1, ..., dim)")


def _unbind(c: Given) -> torch.Tensor:
    template_g = next(g for g in c.gs if g is not None)
    parts = [g if g is not None else torch.zeros_like(template_g) for g in c.gs]
    return torch.stack(parts, c.axes(ndim=template_g.dim() + 1)[0])


@template("UnbindBackward0", grads=(_unbind,))
def _unbind_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by unbind of {a} along dim {n.values.get('dim', 0)}: one view per "
            f"index. Backward stacks the gradients of the pieces (zeros for an unused one): "
            f"{n.flow(0, f'dL/d{a} = stack(g of each piece, dim)')}.",
            "grad_self = stack(g_0, g_1, ..., dim)")
