"""Elementwise arithmetic: +, -, *, /, negation and powers."""

from __future__ import annotations

from backprop.graph.explain.registry import Node, template


@template("AddBackward0", "AddBackward1")
def _add(n: Node) -> tuple[str, str]:
    a, b, alpha = n.op(0), n.op(1), n.saved.get("alpha", "1")
    return (f"Created by the addition {n.made(f'{a} + {b}')}. The derivative of a sum with "
            f"respect to each term is 1, so backward passes g = {n.g_of} on unchanged: "
            f"{n.flow(0, f'dL/d{a} = g')}; {n.flow(1, f'dL/d{b} = alpha * g')} "
            f"(alpha = {alpha}). A term that was broadcast, like a bias (1, d) added to "
            f"every row, gets g summed over those rows, so it keeps its shape.",
            "grad_self = g;  grad_other = alpha * g (summed over broadcast dimensions)")


@template("SubBackward0", "SubBackward1")
def _sub(n: Node) -> tuple[str, str]:
    a, b, alpha = n.op(0), n.op(1), n.saved.get("alpha", "1")
    return (f"Created by the subtraction {n.made(f'{a} - {b}')}. Backward passes "
            f"g = {n.g_of} on with the sign of each term: {n.flow(0, f'dL/d{a} = g')}; "
            f"{n.flow(1, f'dL/d{b} = -alpha * g')} (alpha = {alpha}).",
            "grad_self = g;  grad_other = -alpha * g")


@template("RsubBackward1")
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


@template("MulBackward0", "MulBackward1")
def _mul(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by the elementwise product {n.made(f'{a} * {b}')}. Each factor's "
            f"gradient is g = {n.g_of} times the other factor, which is why the factors are "
            f"saved: {n.flow(0, f'dL/d{a} = g * {b}')}; {n.flow(1, f'dL/d{b} = g * {a}')}.",
            "grad_self = g * other;  grad_other = g * self")


@template("DivBackward0", "DivBackward1")
def _div(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by the division {n.made(f'{a} / {b}')}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g / {b}')}; "
            f"{n.flow(1, f'dL/d{b} = -g * {a} / {b}^2')}.",
            "grad_self = g / other;  grad_other = -g * self / other^2")


@template("NegBackward0")
def _neg(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by the negation {n.made(f'-{a}')}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = -g')}.", "grad_self = -g")


@template("PowBackward0")
def _pow(n: Node) -> tuple[str, str]:
    a, p = n.op(0), n.saved.get("exponent", "p")
    return (f"Created by raising to a fixed power, {n.made(f'{a}^{p}')}. By the power rule, "
            f"with g = {n.g_of}: {n.flow(0, f'dL/d{a} = {p} * {a}^({p}-1) * g')}; this "
            f"needs the saved self = {n.saved.get('self', a)}.",
            "grad_self = exponent * self^(exponent - 1) * g")


@template("PowBackward1")
def _pow_tensor(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by a power with a tensor exponent, {n.made(f'{a}^{b}')}. Backward, "
            f"with g = {n.g_of}: {n.flow(0, f'dL/d{a} = {b} * {a}^({b}-1) * g')}; "
            f"{n.flow(1, f'dL/d{b} = {a}^{b} * ln({a}) * g')}.",
            "grad_self = exponent * self^(exponent - 1) * g;  "
            "grad_exponent = result * ln(self) * g")
