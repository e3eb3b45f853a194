"""Steps: the ordered list of what the hand-written pass computes, each beside autograd's value.

The TUI shows one step at a time and the report shows them all; both read this list.
Each step names the line of `backprop/manual.py` that computed it, found through the
`# [tag]` marker on that line, so the listing and the highlight can never drift apart.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import cache

import torch

from backprop import manual
from backprop.compare import Agreement, compare
from backprop.trace import Trace

MARKER = re.compile(r"#\s*\[(\w+)\]")


@dataclass(frozen=True)
class Step:
    """One quantity of the hand-written pass, with its autograd counterpart."""

    index: int               # 0-based position in the list
    phase: str               # "forward", "loss" or "backward"
    layer: int | None        # the layer k being computed (1..K+1); None for the loss
    tag: str                 # the marker on the source line: z, mask, h, loss, grad_y_pred, ...
    symbol: str              # the quantity, plain: "z_3", "dL/dW_3"
    title: str               # a few words: "pre-activation of layer 3"
    tex: str                 # the equation in LaTeX
    text: str                # the same equation in plain text
    line: int                # line number in backprop/manual.py (1-based)
    manual: torch.Tensor
    autograd: torch.Tensor
    agreement: Agreement


@cache
def manual_source() -> tuple[str, int]:
    """The source of `manual_pass` as it is on disk, and the file line it starts on."""
    lines, start = inspect.getsourcelines(manual.manual_pass)
    return "".join(lines), start


@cache
def marker_lines() -> dict[str, int]:
    """Each marker tag of `manual_pass`, mapped to its line number in manual.py."""
    source, start = manual_source()
    found: dict[str, int] = {}
    for offset, line in enumerate(source.splitlines()):
        match = MARKER.search(line)
        if match:
            found[match.group(1)] = start + offset
    return found


def _h(k: int) -> tuple[str, str]:
    """h_{k} as (LaTeX, text), with h_0 written x."""
    return ("x", "x") if k == 0 else (f"h_{{{k}}}", f"h_{k}")


def _describe(tag: str, k: int | None, n: int, batch: int) -> tuple[str, str, str, str]:
    """(symbol, title, LaTeX, text) of the quantity `tag` at layer k of n."""
    if tag == "loss":
        if batch == 1:
            return ("L", "the loss", r"L = (y_{\mathrm{pred}} - y)^2", "L = (y_pred - y)^2")
        return ("L", "the loss, summed over the batch",
                r"L = \sum_{i} (y_{\mathrm{pred},i} - y_i)^2", "L = sum_i (y_pred,i - y_i)^2")
    if tag == "grad_y_pred":
        return ("dL/dy_pred", "gradient at the output",
                r"\frac{\partial L}{\partial y_{\mathrm{pred}}} = 2\,(y_{\mathrm{pred}} - y)",
                "dL/dy_pred = 2 (y_pred - y)")
    assert k is not None
    h_in, h_in_text = _h(k - 1)
    if tag == "z":
        return (f"z_{k}", f"pre-activation of layer {k}",
                f"z_{{{k}}} = {h_in} W_{{{k}}} + b_{{{k}}}", f"z_{k} = {h_in_text} W_{k} + b_{k}")
    if tag == "mask":
        return (f"m_{k}", f"ReLU mask of layer {k}",
                rf"m_{{{k}}} = [z_{{{k}}} > 0]", f"m_{k} = [z_{k} > 0]")
    if tag == "h":
        out = r"y_{\mathrm{pred}} = " if k == n else ""
        out_text = "y_pred = " if k == n else ""
        return (f"h_{k}", f"activation of layer {k}",
                rf"{out}h_{{{k}}} = \mathrm{{relu}}(z_{{{k}}})", f"{out_text}h_{k} = relu(z_{k})")
    if tag == "delta":
        return (f"delta_{k}", f"gradient at the pre-activation of layer {k}",
                rf"\delta_{{{k}}} = \frac{{\partial L}}{{\partial h_{{{k}}}}} \odot m_{{{k}}}",
                f"delta_{k} = dL/dh_{k} * m_{k}")
    if tag == "grad_W":
        return (f"dL/dW_{k}", f"gradient of W_{k}",
                rf"\frac{{\partial L}}{{\partial W_{{{k}}}}} = {h_in}^{{\top}} \delta_{{{k}}}",
                f"dL/dW_{k} = {h_in_text}^T delta_{k}")
    if tag == "grad_b":
        rhs, rhs_text = ((rf"\delta_{{{k}}}", f"delta_{k}") if batch == 1 else
                         (rf"\sum_i \delta_{{{k},i}}", f"sum_i delta_{k},i"))
        return (f"dL/db_{k}", f"gradient of b_{k}",
                rf"\frac{{\partial L}}{{\partial b_{{{k}}}}} = {rhs}", f"dL/db_{k} = {rhs_text}")
    if tag == "grad_h":
        return (f"dL/dh_{k - 1}", f"gradient flowing down to layer {k - 1}",
                rf"\frac{{\partial L}}{{\partial h_{{{k - 1}}}}} = "
                rf"\delta_{{{k}}} W_{{{k}}}^{{\top}}",
                f"dL/dh_{k - 1} = delta_{k} W_{k}^T")
    raise ValueError(f"unknown step tag {tag!r}")


def _pick(trace: Trace, tag: str, k: int | None) -> torch.Tensor:
    if tag == "loss":
        return trace.loss
    if tag == "grad_y_pred":
        return trace.grad_y_pred
    assert k is not None
    if tag == "grad_h":
        return trace.grad_h[k - 2]   # dL/dh_{k-1}, computed while going back through layer k
    return getattr(trace, tag)[k - 1]


def step_order(n: int) -> list[tuple[str, str, int | None]]:
    """(phase, tag, layer) of every step, in the order manual_pass computes them."""
    order: list[tuple[str, str, int | None]] = []
    for k in range(1, n + 1):
        order += [("forward", "z", k), ("forward", "mask", k), ("forward", "h", k)]
    order += [("loss", "loss", None), ("backward", "grad_y_pred", n)]
    for k in range(n, 0, -1):
        order += [("backward", "delta", k), ("backward", "grad_W", k), ("backward", "grad_b", k)]
        if k > 1:
            order.append(("backward", "grad_h", k))
    return order


def build_steps(manual_trace: Trace, autograd_trace: Trace, batch: int) -> tuple[Step, ...]:
    """Every step of the hand-written pass, paired with autograd's value for it."""
    n = len(manual_trace.z)
    lines = marker_lines()
    steps = []
    for index, (phase, tag, k) in enumerate(step_order(n)):
        symbol, title, tex, text = _describe(tag, k, n, batch)
        mine, theirs = _pick(manual_trace, tag, k), _pick(autograd_trace, tag, k)
        steps.append(Step(index, phase, k if tag != "loss" else None, tag, symbol, title, tex,
                          text, lines[tag], mine, theirs, compare(symbol, mine, theirs)))
    return tuple(steps)
