"""Elementwise arithmetic: +, -, *, /, negation and powers."""

from __future__ import annotations

import torch

from backprop.graph.explain.given import Given
from backprop.graph.explain.registry import Node, template


@template("AddBackward0", grads=(lambda c: c.g, lambda c: c.alpha * c.g))
def _add(n: Node) -> tuple[str, str]:
    a, b, alpha = n.op(0), n.op(1), n.saved.get("alpha", "1")
    return (f"Created by the addition {n.made(f'{a} + {b}')}. The derivative of a sum with "
            f"respect to each term is 1, so backward passes g = {n.g_of} on unchanged: "
            f"{n.flow(0, f'dL/d{a} = g')}; {n.flow(1, f'dL/d{b} = alpha * g')} "
            f"(alpha = {alpha}). A term that was broadcast, like a bias (1, d) added to "
            f"every row, gets g summed over those rows, so it keeps its shape.",
            "grad_self = g;  grad_other = alpha * g (summed over broadcast dimensions)")


@template("SubBackward0", grads=(lambda c: c.g, lambda c: -c.alpha * c.g))
def _sub(n: Node) -> tuple[str, str]:
    a, b, alpha = n.op(0), n.op(1), n.saved.get("alpha", "1")
    return (f"Created by the subtraction {n.made(f'{a} - {b}')}. Backward passes "
            f"g = {n.g_of} on with the sign of each term: {n.flow(0, f'dL/d{a} = g')}; "
            f"{n.flow(1, f'dL/d{b} = -alpha * g')} (alpha = {alpha}).",
            "grad_self = g;  grad_other = -alpha * g")


@template("RsubBackward1", grads=(lambda c: -c.alpha * c.g,))
def _rsub(n: Node) -> tuple[str, str]:
    # torch saves alpha but not the number subtracted from: backward does not need it.
    a, alpha = n.op(0), n.values.get("alpha", 1)
    scaled = a if alpha == 1 else f"{alpha} * {a}"
    grad = "-g" if alpha == 1 else f"-{alpha} * g"
    return (f"Created by subtracting {scaled} from a number, "
            f"{n.made(f'(a constant) - {scaled}')}; the number itself is not saved, because "
            f"backward does not need it. Backward flips the sign of g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = {grad}')}.",
            "grad_self = -alpha * g")


@template("RsubBackward0", grads=(lambda c: -c.alpha * c.g, lambda c: c.g))
def _rsub_tensor(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by torch.rsub, {n.made(f'{b} - alpha * {a}')}. Backward, with "
            f"g = {n.g_of}: {n.flow(0, f'dL/d{a} = -alpha * g')}; {n.flow(1, f'dL/d{b} = g')}.",
            "grad_self = -alpha * g;  grad_other = g")



@template("MulBackward0", grads=(lambda c: c.g * c.other, lambda c: c.g * c.self))
def _mul(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    saved = [name for name in ("self", "other") if name in n.shapes]
    why = ""
    if len(saved) == 2:
        why = ", which is why both factors are saved"
    elif saved:
        kept = a if saved[0] == "self" else b
        why = (f"; only the factor {kept} was saved, because only the other factor's "
               f"gradient is needed")
    return (f"Created by the elementwise product {n.made(f'{a} * {b}')}. Each factor's "
            f"gradient is g = {n.g_of} times the other factor{why}: "
            f"{n.flow(0, f'dL/d{a} = g * {b}')}; {n.flow(1, f'dL/d{b} = g * {a}')}.",
            "grad_self = g * other;  grad_other = g * self")


@template("MulBackward1", grads=(lambda c: c.g * c.other,))
def _mul_number(n: Node) -> tuple[str, str]:
    a, k = n.op(0), _number(n.values.get("other"))
    return (f"Created by multiplying {a} by the number {k}, {n.made(f'{a} * {k}')} (the "
            f"number is saved as `other`). Backward scales g = {n.g_of} the same way: "
            f"{n.flow(0, f'dL/d{a} = g * {k}')}.", "grad_self = g * other")


@template("DivBackward0", grads=(lambda c: c.g / c.other,
                                 lambda c: -c.g * c.self / (c.other * c.other)))
def _div(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by the division {n.made(f'{a} / {b}')}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g / {b}')}; "
            f"{n.flow(1, f'dL/d{b} = -g * {a} / {b}^2')}.",
            "grad_self = g / other;  grad_other = -g * self / other^2")


@template("NegBackward0", grads=(lambda c: -c.g,))
def _neg(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by the negation {n.made(f'-{a}')}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = -g')}.", "grad_self = -g")


@template("PowBackward0", grads=(lambda c: c.exponent * c.self ** (c.exponent - 1) * c.g,))
def _pow(n: Node) -> tuple[str, str]:
    a, p = n.op(0), n.saved.get("exponent", "p")
    return (f"Created by raising to a fixed power, {n.made(f'{a}^{p}')}. By the power rule, "
            f"with g = {n.g_of}: {n.flow(0, f'dL/d{a} = {p} * {a}^({p}-1) * g')}; this "
            f"needs the saved self = {n.saved.get('self', a)}.",
            "grad_self = exponent * self^(exponent - 1) * g")


def _grad_exponent(c: Given) -> torch.Tensor:
    # 0^p has slope 0 in p for p >= 0 (torch's convention), where ln(0) would give nan.
    slope = c.result * torch.log(c.self)
    return c.g * torch.where((c.self == 0) & (c.exponent >= 0), 0.0, slope)


@template("PowBackward1", grads=(lambda c: c.exponent * c.self ** (c.exponent - 1) * c.g,
                                 _grad_exponent))
def _pow_tensor(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by a power with a tensor exponent, {n.made(f'{a}^{b}')}. Backward, "
            f"with g = {n.g_of}: {n.flow(0, f'dL/d{a} = {b} * {a}^({b}-1) * g')}; "
            f"{n.flow(1, f'dL/d{b} = {a}^{b} * ln({a}) * g')}.",
            "grad_self = exponent * self^(exponent - 1) * g;  "
            "grad_exponent = result * ln(self) * g")


@template("PowBackward2", grads=(lambda c: c.g * c.result * torch.log(torch.tensor(
    float(c.self), dtype=c.g.dtype)),))
def _number_to_power(n: Node) -> tuple[str, str]:
    a, base = n.op(0), _number(n.values.get("self"))
    return (f"Created by raising the number {base} to the power {a}, {n.made(f'{base}^{a}')}. "
            f"Its slope in {a} is {base}^{a} * ln({base}), written with the saved result: with "
            f"g = {n.g_of}, {n.flow(0, f'dL/d{a} = g * result * ln({base})')}.",
            "grad_exponent = g * result * ln(self)")


def _number(value: object) -> str:
    """A saved scalar as text: 2, 0.5, or 'a number' when torch kept it as a 0-d tensor."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    return "a number"
