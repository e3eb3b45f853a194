"""Reductions to fewer entries: sum, mean and the mean squared error loss."""

from __future__ import annotations

from math import prod

from backprop.graph.explain.registry import Node, template

MSE_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}  # torch's saved `reduction` codes


@template("SumBackward0", "SumBackward1")
def _sum(n: Node) -> tuple[str, str]:
    a = n.op(0)
    where = " along some dimensions" if n.label.endswith("1") else ""
    return (f"Created by a sum, {n.made(n.call('sum'))}{where}. Every entry counts with weight "
            f"1, so backward copies g = {n.g_of} back to every entry it summed: "
            f"{n.flow(0, f'dL/d{a} = g expanded to the shape of {a}')}.",
            "grad_self = g expanded to self's shape")


@template("MeanBackward0", "MeanBackward1")
def _mean(n: Node) -> tuple[str, str]:
    a = n.op(0)
    count, over = mean_count(n.values.get("self_sym_sizes"), n.values.get("dim"))
    where = f" over {over}" if over else ""
    return (f"Created by a mean, {n.made(n.call('mean'))}{where}. Each entry counts 1/N, so "
            f"backward spreads g = {n.g_of} evenly over the entries it averaged: "
            f"{n.flow(0, f'dL/d{a} = g / N on every entry')}, N = {count}.",
            "grad_self = g / N expanded to self's shape")


def mean_count(sizes: object, dims: object) -> tuple[str, str]:
    """(N, which entries) of a mean from its saved self_sym_sizes and dim: ("3", "dim 0")."""
    if not isinstance(sizes, tuple) or not all(isinstance(s, int) for s in sizes):
        return "the number of entries averaged", ""
    if not isinstance(dims, tuple) or not dims or not sizes:  # None or (): every entry
        return str(prod(sizes)), f"all {prod(sizes)} entries"
    # torch stores a negative dim as an unsigned 64-bit number: -1 is 2^64 - 1.
    axes = sorted({(d - 2**64 if d >= 2**63 else d) % len(sizes) for d in dims})
    count = prod(sizes[d] for d in axes)
    names = " and ".join(str(d) for d in axes)
    factors = " x ".join(str(sizes[d]) for d in axes)
    size = f"size {count}" if len(axes) == 1 else f"sizes {factors} = {count}"
    return str(count), f"dimension{'s' * (len(axes) > 1)} {names} ({size})"


@template("MseLossBackward0")
def _mse(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    reduction = MSE_REDUCTIONS.get(n.values.get("reduction"), "unknown")
    shape = n.shapes.get("self")
    count = str(prod(shape)) if shape is not None else "the number of entries"
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
