"""The inputs of each step: the tensors the hand-written pass computed it from, by name.

A view that shows dL/dW_k = h_{k-1}^T delta_k beside h_{k-1} and delta_k reads them here,
so that what it shows are the very tensors the pass used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

    from backprop.problem import Problem
    from backprop.run import Run
    from backprop.steps import Step
    from backprop.trace import Trace

Inputs = tuple[tuple[str, "torch.Tensor"], ...]


def step_inputs(run: Run, step: Step) -> Inputs:
    """(name, tensor) of each input of `step`, in the order its equation names them."""
    return trace_inputs(run.manual, run.problem, step)


def trace_inputs(trace: Trace, problem: Problem, step: Step) -> Inputs:
    """The inputs of `step` as `trace` computed them (autograd's, for a student's step)."""
    k = step.layer
    y_pred = trace.h[-1]
    if step.tag == "loss":
        return (("y_pred", y_pred), ("y", problem.y))
    if step.tag == "grad_y_pred":
        return (("y_pred", y_pred), ("y", problem.y))
    assert k is not None
    below = ("x", problem.x) if k == 1 else (f"h_{k - 1}", trace.h[k - 2])
    i = k - 1   # traces and parameters are indexed from 0 for layer 1
    table: dict[str, Inputs] = {
        "z": (below, (f"W_{k}", problem.weights[i]), (f"b_{k}", problem.biases[i])),
        "mask": ((f"z_{k}", trace.z[i]),),
        "h": ((f"z_{k}", trace.z[i]), (f"m_{k}", trace.mask[i])),
        "delta": ((f"dL/dh_{k}", trace.grad_h[i]), (f"m_{k}", trace.mask[i])),
        "grad_W": (below, (f"delta_{k}", trace.delta[i])),
        "grad_b": ((f"delta_{k}", trace.delta[i]),),
        "grad_h": ((f"delta_{k}", trace.delta[i]), (f"W_{k}", problem.weights[i])),
    }
    return table[step.tag]
