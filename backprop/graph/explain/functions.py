"""Elementwise functions: the activations ReLU, sigmoid and tanh, and exp and log."""

from __future__ import annotations

from backprop.graph.explain.registry import Node, template


@template("ReluBackward0")
def _relu(n: Node) -> tuple[str, str]:
    a, out = n.op(0), n.saved.get("result", n.out)
    return (f"Created by the ReLU {n.made(n.call('relu'))}, that is max({a}, 0). Its "
            f"derivative is 1 where the unit is active and 0 where it is not, so backward "
            f"masks g = {n.g_of}: {n.flow(0, f'dL/d{a} = g where {out} > 0, else 0')}. It "
            f"tells active from inactive units by the saved result = {out}; at exactly 0 "
            f"the gradient is 0.",
            "grad_self = g * [result > 0]")


@template("SigmoidBackward0")
def _sigmoid(n: Node) -> tuple[str, str]:
    a, s = n.op(0), n.saved.get("result", n.out)
    return (f"Created by the sigmoid {n.made(f'1 / (1 + exp(-{a}))')}. Its derivative can be "
            f"written with its own output s = {s}, which is why the result is saved: with "
            f"g = {n.g_of}, {n.flow(0, f'dL/d{a} = g * s * (1 - s)')}.",
            "grad_self = g * result * (1 - result)")


@template("TanhBackward0")
def _tanh(n: Node) -> tuple[str, str]:
    a, t = n.op(0), n.saved.get("result", n.out)
    return (f"Created by tanh, {n.made(n.call('tanh'))}. Its derivative is 1 - tanh^2, written "
            f"with the saved result t = {t}: with g = {n.g_of}, "
            f"{n.flow(0, f'dL/d{a} = g * (1 - t^2)')}.",
            "grad_self = g * (1 - result^2)")


@template("ExpBackward0")
def _exp(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by {n.made(n.call('exp'))}. exp is its own derivative, so backward "
            f"reuses the saved result: with g = {n.g_of}, "
            f"{n.flow(0, f'dL/d{a} = g * ' + n.call('exp'))}.", "grad_self = g * result")


@template("LogBackward0")
def _log(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by the natural log {n.made(n.call('ln'))}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g / {a}')} (the saved self).", "grad_self = g / self")
