"""Operations that only move or copy entries: transpose, view, expand, squeeze, clone, select."""

from __future__ import annotations

from backprop.graph.explain.registry import Node, template


@template("TBackward0")
def _t(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by the transpose {n.made(f'{a}^T')} (nn.Linear transposes its weight "
            f"this way). A transpose only moves entries, so backward moves g = {n.g_of} back: "
            f"{n.flow(0, f'dL/d{a} = g^T')}.", "grad_self = g^T")


@template("ViewBackward0", "UnsafeViewBackward0")
def _view(n: Node) -> tuple[str, str]:
    a, shape = n.op(0), n.saved.get("self_sym_sizes", "the input's shape")
    return (f"Created by view or reshape: {n.out} holds the same numbers as {a} in another "
            f"shape. Nothing is computed, so backward only reshapes g = {n.g_of} back: "
            f"{n.flow(0, f'dL/d{a} = g reshaped to {shape}')}.",
            "grad_self = g.reshape(self_sym_sizes)")


@template("ExpandBackward0")
def _expand(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by expand (explicit broadcasting): {n.out} repeats the entries of {a} "
            f"along new or size-1 dimensions without copying. Each entry was used several "
            f"times, so backward adds up the gradients of its copies, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g summed over the expanded dimensions')}.",
            "grad_self = g summed to self_sym_sizes")


@template("UnsqueezeBackward0", "SqueezeBackward0", "SqueezeBackward1")
def _squeeze(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by {n.label[:-len('Backward0')].lower()}, which adds or removes a "
            f"dimension of size 1; the numbers stay the same. Backward undoes it on "
            f"g = {n.g_of}: {n.flow(0, f'dL/d{a} = g with that dimension restored or removed')}.",
            "grad_self = g reshaped back")


@template("CloneBackward0")
def _clone(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by clone: {n.out} is a copy of {a}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g')}.", "grad_self = g")


@template("SelectBackward0")
def _select(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by indexing one slice, {n.made(f'{a}[i]')}. Backward puts g = {n.g_of} "
            f"back in its place and zeros elsewhere: "
            f"{n.flow(0, f'dL/d{a} = zeros with g at the selected index')}.",
            "grad_self = zeros; grad_self[index] = g")
