"""Operations that only move or copy entries: transposes, views, expand, squeeze, repeat."""

from __future__ import annotations

import torch

from backprop.graph.explain.given import Given
from backprop.graph.explain.registry import Node, template


@template("TBackward0", grads=(lambda c: c.g.t(),))
def _t(n: Node) -> tuple[str, str]:
    a = n.op(0)
    # nn.Linear stores its weight (out, in) and multiplies by its transpose.
    linear = " (nn.Linear transposes its weight this way)" if a.endswith("weight") else ""
    return (f"Created by the transpose {n.made(f'{a}^T')}{linear}. A transpose only moves "
            f"entries, so backward moves g = {n.g_of} back: {n.flow(0, f'dL/d{a} = g^T')}.",
            "grad_self = g^T")


@template("TransposeBackward0", grads=(lambda c: c.g.transpose(c.dim0, c.dim1),))
def _transpose(n: Node) -> tuple[str, str]:
    a, d0, d1 = n.op(0), n.values.get("dim0", "i"), n.values.get("dim1", "j")
    return (f"Created by {n.made(f'{a}.transpose({d0}, {d1})')}, which swaps two dimensions "
            f"(as attention does for its keys). Backward swaps them back on g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g.transpose({d0}, {d1})')}.",
            "grad_self = g.transpose(dim0, dim1)")


def _unpermute(c: Given) -> torch.Tensor:
    order = [(d - 2**64 if d >= 2**63 else d) % c.g.dim() for d in c.saved["dims"]]
    return c.g.permute([order.index(i) for i in range(len(order))])


@template("PermuteBackward0", grads=(_unpermute,))
def _permute(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by {n.made(f'{a}.permute(dims)')}, which reorders the dimensions. "
            f"Backward applies the inverse order to g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g.permute(inverse of dims)')}.",
            "grad_self = g.permute(argsort(dims))")


@template("ViewBackward0", "UnsafeViewBackward0", "ReshapeAliasBackward0",
          grads=(lambda c: c.g.reshape(c.input_sizes()),))
def _view(n: Node) -> tuple[str, str]:
    a, shape = n.op(0), n.saved.get("self_sym_sizes", "the input's shape")
    return (f"Created by view or reshape: {n.out} holds the same numbers as {a} in another "
            f"shape. Nothing is computed, so backward only reshapes g = {n.g_of} back: "
            f"{n.flow(0, f'dL/d{a} = g reshaped to {shape}')}.",
            "grad_self = g.reshape(self_sym_sizes)")


@template("ExpandBackward0", grads=(lambda c: c.g.sum_to_size(c.input_sizes()),))
def _expand(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by expand (explicit broadcasting): {n.out} repeats the entries of {a} "
            f"along new or size-1 dimensions without copying. Each entry was used several "
            f"times, so backward adds up the gradients of its copies, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g summed over the expanded dimensions')}.",
            "grad_self = g summed to self_sym_sizes")


@template("UnsqueezeBackward0", grads=(lambda c: c.g.squeeze(c.dim),))
def _unsqueeze(n: Node) -> tuple[str, str]:
    a, d = n.op(0), n.values.get("dim", "d")
    return (f"Created by {n.made(f'{a}.unsqueeze({d})')}, which adds a dimension of size 1; "
            f"the numbers stay the same. Backward removes it from g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g.squeeze({d})')}.", "grad_self = g.squeeze(dim)")


@template("SqueezeBackward0", "SqueezeBackward1", "SqueezeBackward2",
          grads=(lambda c: c.g.reshape(c.input_sizes()),))
def _squeeze(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by squeeze, which removes dimensions of size 1; the numbers stay the "
            f"same. Backward puts them back on g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g reshaped to the shape of {a}')}.",
            "grad_self = g.reshape(self_sym_sizes)")


def _repeat(c: Given) -> torch.Tensor:
    repeats, sizes = c.repeats, c.input_sizes()
    padded = (1,) * (len(repeats) - len(sizes)) + tuple(sizes)
    split = [n for pair in zip(repeats, padded, strict=True) for n in pair]
    return c.g.reshape(split).sum(tuple(range(0, len(split), 2))).reshape(sizes)


@template("RepeatBackward0", grads=(_repeat,))
def _repeat_text(n: Node) -> tuple[str, str]:
    a, r = n.op(0), n.values.get("repeats", "repeats")
    return (f"Created by {n.made(f'{a}.repeat{r}')}, which tiles copies of {a}. Each entry of "
            f"{a} appears once per tile, so backward sums g = {n.g_of} over the tiles: "
            f"{n.flow(0, f'dL/d{a} = g summed over its {r} tiles')}.",
            "grad_self = sum over tiles of g")


@template("CloneBackward0", grads=(lambda c: c.g,))
def _clone(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by clone (or a reshape that had to copy): {n.out} is a copy of {a}. "
            f"Backward, with g = {n.g_of}: {n.flow(0, f'dL/d{a} = g')}.", "grad_self = g")


@template("ToCopyBackward0", grads=(lambda c: c.g,))
def _to_copy(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by .to() (another dtype or device), {n.made(f'{a}.to(...)')}. The "
            f"numbers are the same, rounded to the new dtype, so backward converts "
            f"g = {n.g_of} back: {n.flow(0, f'dL/d{a} = g in the dtype of {a}')}.",
            "grad_self = g.to(self's dtype)")
