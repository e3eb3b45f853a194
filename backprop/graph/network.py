"""What the graph of a run's loss knows beyond its shape: the homework's names and steps,
the line of build_graph creating each node, and the gradients on the output layer's wires.

In layer k the forward pass is z_k = h_{k-1} @ W_k + b_k, h_k = relu(z_k), which records
MmBackward0, AddBackward0 and ReluBackward0, each tagged metadata["layer"] = k.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import math
import textwrap
from typing import TYPE_CHECKING

import torch

from backprop.autograd import build_graph
from backprop.compare import significant
from backprop.graph.annotate import Hints
from backprop.graph.records import Box, NodeRecord, Wire, shape_text
from backprop.graph.source import SourceLine
from backprop.graph.values import Summary
from backprop.steps import step_order

if TYPE_CHECKING:  # backprop.run builds its graph with this module
    from backprop.run import Run

StepKey = tuple[str, int | None]

FORWARD_NAME = build_graph.__module__.replace(".", "/") + ".py"   # backprop/autograd.py
# The one operation of build_graph's code that creates each kind of node it records.
_NODE_OF = {"MatMult": "MmBackward0", "Add": "AddBackward0", "Sub": "SubBackward0",
            "relu": "ReluBackward0", "pow": "PowBackward0", "sum": "SumBackward0"}


@functools.cache
def forward_lines() -> dict[str, SourceLine]:
    """The line of build_graph creating each kind of node, read from its source.

    Anomaly mode would record the same lines (a test compares them) at the price of a
    stack trace per node: 2-30 ms of every run, more the deeper the caller's stack.
    """
    lines, first = inspect.getsourcelines(build_graph)
    found: dict[str, set[int]] = {}
    for node in ast.walk(ast.parse(textwrap.dedent("".join(lines)))):
        if isinstance(node, ast.BinOp):
            op = type(node.op).__name__
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            op = node.func.attr
        else:
            continue
        if op in _NODE_OF:
            found.setdefault(_NODE_OF[op], set()).add(node.lineno)
    return {label: SourceLine(FORWARD_NAME, first + n - 1, lines[n - 1].strip())
            for label, (n, *more) in found.items() if not more}   # one line, or none


def with_forward_lines(records: tuple[NodeRecord, ...]) -> tuple[NodeRecord, ...]:
    """The records with each backward node's creating line in build_graph."""
    made = forward_lines()
    return tuple(dataclasses.replace(r, source=made.get(r.label)) if r.kind == "backward"
                 else r for r in records)


def output_wires(records: tuple[NodeRecord, ...], n: int) -> tuple[Wire, ...]:
    """The output layer's wires with their gradients: the one into its ReLU from above,
    and each one its ReLU, bias add and product send down."""
    relu = next((r for r in records if r.layer == n and r.label == "ReluBackward0"), None)
    if relu is None or len(relu.inputs) != 1 or len(relu.outputs) != 1:
        return ()
    add = records[relu.inputs[0] - 1]
    mm = next((records[i - 1] for i in add.inputs if records[i - 1].label == "MmBackward0"),
              None)
    senders = [records[relu.outputs[0] - 1], relu, add, *([mm] if mm else [])]
    wires = []
    for sender in senders:
        for target, grad in _sent_to(sender).items():
            if sender is senders[0] and target != relu.number:
                continue
            wires.append(Wire(target, sender.number, wire_text(grad)))
    return tuple(wires)


def _sent_to(record: NodeRecord) -> dict[int, Summary]:
    """What a node sent to each box it sends to: its non-empty slots, in order."""
    sent = [s for s in record.values.sent if s is not None] if record.values else []
    return dict(zip(record.inputs, sent, strict=True)) if len(sent) == len(record.inputs) else {}


def wire_text(grad: Summary) -> str:
    """A wire's number: a one-element gradient's value, else |g| and the shape."""
    if math.prod(grad.shape) == 1:
        if grad.min is not None:
            return significant(grad.min, 5)
        return "nan" if grad.nans else "inf"
    shape = shape_text(grad.shape)
    if grad.norm is None:
        return f"|g|=nan/inf {shape}"
    bad = " nan/inf!" if grad.nans or grad.infs else ""
    return f"|g|={significant(grad.norm, 3)}{bad} {shape}"


def run_values(run: Run) -> dict[str, torch.Tensor]:
    """The run's forward tensors by name, so saved tensors can say which they are."""
    n = run.config.layers
    values = {"x": run.problem.x, "y": run.problem.y}
    for k in range(1, n + 1):
        values[f"z{k}"] = run.autograd.z[k - 1]
        values["y_pred" if k == n else f"h{k}"] = run.autograd.h[k - 1]
    return values


class RunHints(Hints):
    """Names, hand-written steps and notes for the boxes of a run's graph."""

    def __init__(self, run: Run) -> None:
        self.n, self.batch = run.config.layers, run.config.batch
        self.steps_by_key = {(s.tag, s.layer): s for s in run.steps}
        self.order = {(tag, k if tag != "loss" else None): i
                      for i, (_, tag, k) in enumerate(step_order(self.n))}
        self.params = {id(t): name for name, t in run.graph.params.items()}

    def h(self, k: int) -> str:
        """The name of h_k: x for k = 0, y_pred for the output layer."""
        return "x" if k == 0 else "y_pred" if k == self.n else f"h{k}"

    def output_name(self, box: Box) -> str | None:
        """h3, z3, h2 @ W3, y_pred - y or L, from the node's type and layer."""
        label, k = type(box.obj).__name__, box.obj.metadata.get("layer")
        if k is not None:
            return {"ReluBackward0": self.h(k), "AddBackward0": f"z{k}",
                    "MmBackward0": f"{self.h(k - 1)} @ W{k}"}.get(label)
        if label == "SubBackward0":
            return "y_pred - y"
        if label == "PowBackward0":
            return "L" if self.batch == 1 else "(y_pred - y)^2"
        return "L" if label == "SumBackward0" else None

    def operand(self, box: Box, slot: int) -> str | None:
        """x for layer 1's product, y for the loss's subtraction: inputs needing no grad."""
        label, k = type(box.obj).__name__, box.obj.metadata.get("layer")
        if label == "MmBackward0" and k == 1 and slot == 0:
            return "x"
        return "y" if label == "SubBackward0" and slot == 1 else None

    def steps(self, record: NodeRecord, box: Box) -> tuple[StepKey, ...]:
        """The steps of manual_pass computing what this box computes, in step order."""
        k, n = record.layer, self.n
        if record.kind == "output":
            found: tuple[StepKey, ...] = (("loss", None),)
        elif record.kind == "accumulate":
            weight = self.params.get(id(box.obj.variable), "").startswith("W")
            found = (("grad_W" if weight else "grad_b", k),)
        elif record.kind == "saved":
            meaning = record.saved[0].meaning
            names = {self.h(j): j for j in range(1, n + 1)}
            found = (("h", names[meaning]),) if meaning in names else ()
        elif record.label == "ReluBackward0":
            found = (("mask", k), ("h", k), ("delta", k))
        elif record.label == "AddBackward0":
            found = (("z", k), ("delta", k), ("grad_b", k))
        elif record.label == "MmBackward0":
            found = (("grad_W", k), ("grad_h", k)) if k and k > 1 else (("grad_W", k),)
        elif record.label == "SubBackward0":
            found = (("grad_y_pred", n),)
        elif record.label == "PowBackward0":
            found = (("loss", None),) * (self.batch == 1) + (("grad_y_pred", n),)
        elif record.label == "SumBackward0":
            found = (("loss", None),)
        else:
            found = ()
        return tuple(sorted(found, key=self.order.__getitem__))

    def note(self, record: NodeRecord) -> str:
        """What g is here, and the hand-written lines computing the same quantities."""
        k = record.layer
        extra = ""
        if record.label == "MmBackward0":
            extra = (f"Here g = delta_{k} = dL/dz{k}: the bias add #{record.outputs[0]} passed "
                     f"it through unchanged. ")
        elif record.label == "ReluBackward0":
            extra = (f"The mask [{self.h(k)} > 0] is the same as m_{k} = [z{k} > 0] of the "
                     f"hand-written pass. ")
        elif record.label == "AddBackward0" and self.batch > 1:
            extra = f"b{k} was broadcast over the batch's rows, so its gradient is summed. "
        steps = [self.steps_by_key[key] for key in record.steps if key in self.steps_by_key]
        if not steps:
            return extra.strip()
        same = "; ".join(f"{s.text} (line {s.line})" for s in steps)
        return f"{extra}The hand-written pass (backprop/manual.py) computes the same: {same}."
