"""Elementwise functions: activations (ReLU, GELU, SiLU, ...), exp, log, sqrt, abs, clamp."""

from __future__ import annotations

import math

import torch

from backprop.graph.explain.given import Given
from backprop.graph.explain.registry import Node, template


def _number(n: Node, name: str, default: str) -> str:
    value = n.values.get(name)
    return f"{value:g}" if isinstance(value, (int, float)) else default


@template("ReluBackward0", grads=(lambda c: torch.where(c.result > 0, c.g, 0.0),))
def _relu(n: Node) -> tuple[str, str]:
    a, out = n.op(0), n.saved.get("result", n.out)
    return (f"Created by the ReLU {n.made(n.call('relu'))}, that is max({a}, 0). Its "
            f"derivative is 1 where the unit is active and 0 where it is not, so backward "
            f"masks g = {n.g_of}: {n.flow(0, f'dL/d{a} = g where {out} > 0, else 0')}. It "
            f"tells active from inactive units by the saved result = {out}; at exactly 0 "
            f"the gradient is 0.",
            "grad_self = g * [result > 0]")


@template("LeakyReluBackward0",
          grads=(lambda c: torch.where(c.self > 0, c.g, c.g * c.negative_slope),))
def _leaky(n: Node) -> tuple[str, str]:
    a, k = n.op(0), _number(n, "negative_slope", "negative_slope")
    return (f"Created by the leaky ReLU {n.made(n.call('leaky_relu'))}: {a} where positive, "
            f"{k} * {a} elsewhere. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g where {a} > 0, else {k} * g')} (negative_slope = {k}).",
            "grad_self = g where self > 0, else negative_slope * g")


def _elu(c: Given) -> torch.Tensor:
    negative = c.g * c.input_scale * c.alpha * c.scale * torch.exp(c.self * c.input_scale)
    return torch.where(c.self > 0, c.g * c.scale, negative)


@template("EluBackward0", grads=(_elu,))
def _elu_text(n: Node) -> tuple[str, str]:
    a, alpha = n.op(0), _number(n, "alpha", "alpha")
    return (f"Created by the ELU {n.made(n.call('elu'))}: {a} where positive, "
            f"{alpha} * (exp({a}) - 1) elsewhere (alpha = {alpha}). Backward, with "
            f"g = {n.g_of}: {n.flow(0, f'dL/d{a} = g where {a} > 0, else g * {alpha} * exp({a})')}"
            f".", "grad_self = g * (1 if self > 0 else alpha * exp(self))")


def _gelu(c: Given) -> torch.Tensor:
    x = c.self
    if c.approximate == "tanh":
        k = math.sqrt(2 / math.pi)
        inner = k * (x + 0.044715 * x**3)
        t = torch.tanh(inner)
        slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
        return c.g * slope
    cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2)))
    pdf = torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return c.g * (cdf + x * pdf)


@template("GeluBackward0", grads=(_gelu,))
def _gelu_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    tanh = n.values.get("approximate") == "tanh"
    form = "its tanh approximation" if tanh else "x * Phi(x), Phi the normal distribution"
    return (f"Created by the GELU {n.made(n.call('gelu'))}, {form}. Its derivative is "
            f"Phi(x) + x * phi(x) (phi the normal density){' for the tanh form' * tanh}; "
            f"backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g * (Phi({a}) + {a} * phi({a}))')}, from the saved self.",
            "grad_self = g * (Phi(self) + self * phi(self))")


def _silu(c: Given) -> torch.Tensor:
    s = torch.sigmoid(c.self)
    return c.g * s * (1 + c.self * (1 - s))


@template("SiluBackward0", grads=(_silu,))
def _silu_text(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by SiLU (swish), {n.made(f'{a} * sigmoid({a})')}. With s = sigmoid({a}) "
            f"and g = {n.g_of}: {n.flow(0, f'dL/d{a} = g * s * (1 + {a} * (1 - s))')}.",
            "grad_self = g * s * (1 + self * (1 - s)),  s = sigmoid(self)")


@template("HardtanhBackward0", grads=(
    lambda c: torch.where((c.self > c.min_val) & (c.self < c.max_val), c.g, 0.0),))
def _hardtanh(n: Node) -> tuple[str, str]:
    a, lo, hi = n.op(0), _number(n, "min_val", "min_val"), _number(n, "max_val", "max_val")
    return (f"Created by hardtanh, {n.made(f'{a} clipped to [{lo}, {hi}]')}. Its slope is 1 "
            f"strictly inside and 0 outside, so with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g where {lo} < {a} < {hi}, else 0')}.",
            "grad_self = g where min_val < self < max_val, else 0")


@template("SigmoidBackward0", grads=(lambda c: c.g * (1 - c.result) * c.result,))
def _sigmoid(n: Node) -> tuple[str, str]:
    a, s = n.op(0), n.saved.get("result", n.out)
    return (f"Created by the sigmoid {n.made(f'1 / (1 + exp(-{a}))')}. Its derivative can be "
            f"written with its own output s = {s}, which is why the result is saved: with "
            f"g = {n.g_of}, {n.flow(0, f'dL/d{a} = g * s * (1 - s)')}.",
            "grad_self = g * result * (1 - result)")


@template("TanhBackward0", grads=(lambda c: c.g * (1 - c.result * c.result),))
def _tanh(n: Node) -> tuple[str, str]:
    a, t = n.op(0), n.saved.get("result", n.out)
    return (f"Created by tanh, {n.made(n.call('tanh'))}. Its derivative is 1 - tanh^2, written "
            f"with the saved result t = {t}: with g = {n.g_of}, "
            f"{n.flow(0, f'dL/d{a} = g * (1 - t^2)')}.",
            "grad_self = g * (1 - result^2)")


@template("ExpBackward0", grads=(lambda c: c.g * c.result,))
def _exp(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by {n.made(n.call('exp'))}. exp is its own derivative, so backward "
            f"reuses the saved result: with g = {n.g_of}, "
            f"{n.flow(0, f'dL/d{a} = g * ' + n.call('exp'))}.", "grad_self = g * result")


@template("LogBackward0", grads=(lambda c: c.g / c.self,))
def _log(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by the natural log {n.made(n.call('ln'))}. Backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g / {a}')} (the saved self).", "grad_self = g / self")


@template("SqrtBackward0", grads=(lambda c: c.g / (2 * c.result),))
def _sqrt(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by the square root {n.made(n.call('sqrt'))}. Its derivative is "
            f"1 / (2 sqrt({a})), written with the saved result: with g = {n.g_of}, "
            f"{n.flow(0, f'dL/d{a} = g / (2 * ' + n.call('sqrt') + ')')}.",
            "grad_self = g / (2 * result)")


@template("RsqrtBackward0", grads=(lambda c: -0.5 * c.g * c.result**3,))
def _rsqrt(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by the reciprocal square root {n.made(f'1 / sqrt({a})')}. Its "
            f"derivative is -1/2 * {a}^(-3/2) = -1/2 * result^3: with g = {n.g_of}, "
            f"{n.flow(0, f'dL/d{a} = -0.5 * g * result^3')}.",
            "grad_self = -0.5 * g * result^3")


@template("AbsBackward0", grads=(lambda c: c.g * torch.sign(c.self),))
def _abs(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by {n.made(f'|{a}|')}. Its slope is the sign of {a} (0 at exactly 0): "
            f"with g = {n.g_of}, {n.flow(0, f'dL/d{a} = g * sign({a})')}.",
            "grad_self = g * sign(self)")


def _inside(c: Given) -> torch.Tensor:
    """Where a clamp lets its input through: min <= self <= max, each bound when given."""
    keep = torch.ones_like(c.self, dtype=torch.bool)
    if c.has("min"):
        keep &= c.self >= c.min
    if c.has("max"):
        keep &= c.self <= c.max
    return keep


@template("ClampBackward1",
          grads=(lambda c: torch.where(_inside(c), c.g, 0.0),))
def _clamp(n: Node) -> tuple[str, str]:
    a = n.op(0)
    lo, hi = _number(n, "min", "-inf"), _number(n, "max", "inf")
    return (f"Created by clamp, {n.made(f'{a} limited to [{lo}, {hi}]')}. Where the bound "
            f"cuts the value the slope is 0, elsewhere 1: with g = {n.g_of}, "
            f"{n.flow(0, f'dL/d{a} = g where {lo} <= {a} <= {hi}, else 0')}.",
            "grad_self = g where min <= self <= max, else 0")


def _tie(c: Given, first: bool) -> torch.Tensor:
    mine, theirs = (c.self, c.other) if first else (c.other, c.self)
    wins = mine > theirs if c.label == "MaximumBackward0" else mine < theirs
    return torch.where(mine == theirs, c.g / 2, torch.where(wins, c.g, 0.0))


@template("MaximumBackward0", "MinimumBackward0",
          grads=(lambda c: _tie(c, True), lambda c: _tie(c, False)))
def _maximum(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    which = "maximum" if n.label.startswith("Max") else "minimum"
    return (f"Created by the elementwise {which} of {a} and {b}, {n.made(f'{which}({a}, {b})')}. "
            f"Each entry's gradient goes to the input that won it, half to each on a tie: "
            f"with g = {n.g_of}, {n.flow(0, f'dL/d{a} = g where {a} won')}; "
            f"{n.flow(1, f'dL/d{b} = g where {b} won')}.",
            "grad_self = g where self won (g/2 on ties);  grad_other likewise")


@template("WhereBackward0", grads=(lambda c: torch.where(c.condition, c.g, 0.0),
                                   lambda c: torch.where(c.condition, 0.0, c.g)))
def _where(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by torch.where, {n.made(f'{a} where the condition holds, else {b}')}. "
            f"Each entry came from one of the two, so its gradient goes there: with "
            f"g = {n.g_of}, {n.flow(0, f'dL/d{a} = g where the condition holds, else 0')}; "
            f"{n.flow(1, f'dL/d{b} = g where it does not, else 0')}. The condition is saved.",
            "grad_self = where(condition, g, 0);  grad_other = where(condition, 0, g)")


@template("NativeDropoutBackward0", grads=(lambda c: c.g * c.result1 * (1 / (1 - c.p)),))
def _dropout(n: Node) -> tuple[str, str]:
    a = n.op(0)
    return (f"Created by dropout in training mode: {n.made(f'{a} * mask * scale')}, the mask "
            f"(saved) zeroing each entry with probability p and scale = 1/(1-p) keeping the "
            f"mean. Backward applies the same mask and scale to g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g * mask * scale')}.", "grad_self = g * mask * scale")


@template("RoundBackward0", "FloorBackward0", "CeilBackward0", "SignBackward0",
          "TruncBackward0", grads=(lambda c: torch.zeros_like(c.g),))
def _step(n: Node) -> tuple[str, str]:
    a = n.op(0)
    which = n.label.removesuffix("Backward0").lower()
    return (f"Created by {n.made(n.call(which))}, a step function: flat between its jumps, "
            f"so its slope is 0 almost everywhere and no gradient gets through g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = 0')}.", "grad_self = 0")
