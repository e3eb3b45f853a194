"""A student's pass as steps, for gradtui --check: their value beside autograd's, and the line.

The steps are those of `backprop.steps` (same tags, layers, equations) for each tensor the
student returned: z_k, m_k (from their z_k) and h_k going up, then dL/dh_k, δ_k, dL/dW_k and
dL/db_k from the output layer down. Each names the line of their file that computed it, or
says that none did. Their code runs in the check's child process, never here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from backprop.check.agree import judge
from backprop.check.contract import Submission
from backprop.check.lines import step_values
from backprop.compare import compare
from backprop.steps import Step, _describe
from backprop.trace import Trace
from backprop.verdict import state

if TYPE_CHECKING:
    from backprop.check.result import Check
    from backprop.config import RunConfig
    from backprop.diagnostics import Diagnostic
    from backprop.graph.records import Graph
    from backprop.problem import Problem


@dataclass(frozen=True)
class CheckStep(Step):
    """A step of the student's pass; `line` is a line of their file, or None."""

    line: int | None   # type: ignore[assignment]   # None: no line of theirs computed it
    where: str = ""    # "line 17 of mine.py computed this value", or that none did


@dataclass(frozen=True)
class CheckRun:
    """What gradtui --check shows: the student's steps, the check, their source."""

    config: RunConfig
    problem: Problem
    autograd: Trace
    steps: tuple[CheckStep, ...]
    first: int | None              # the index of the first step that differs, None: all agree
    check: Check | None            # the default run, the sweep and the diagnosis (None
                                   # while the sweep is still running)
    name: str                      # their file's name: mine.py
    source: str                    # their file's text, shown in the code pane
    diagnostics: tuple[Diagnostic, ...]   # of the problem: a dead output unit, an overflow
    records: Graph | None = None   # autograd's graph boxes, for the step info


def _order(submission: Submission, n: int) -> list[tuple[str, str, int]]:
    """(phase, key kind, layer k) of each step value the student returned, in pass order."""
    given = {kind for kind, values in submission.intermediates.items()
             if any(v is not None for v in values)}
    order = [("forward", kind, k) for k in range(1, n + 1)
             for kind in ("z", "mask", "h") if (kind if kind != "mask" else "z") in given]
    for k in range(n, 0, -1):
        order += [("backward", kind, k) for kind in ("grad_h", "delta") if kind in given]
        order += [("backward", "W", k), ("backward", "b", k)]
    return order


def _autograd(trace: Trace, kind: str, k: int) -> torch.Tensor:
    if kind in ("W", "b"):
        return (trace.grad_W if kind == "W" else trace.grad_b)[k - 1]
    return getattr(trace, kind)[k - 1]


def _tag(kind: str, k: int, n: int) -> tuple[str, int]:
    """The tag and layer of `backprop.steps` for the same quantity (dL/dh_k: while at k+1)."""
    if kind == "grad_h":
        return ("grad_y_pred", n) if k == n else ("grad_h", k + 1)
    return {"W": "grad_W", "b": "grad_b"}.get(kind, kind), k


def build_check_steps(submission: Submission, trace: Trace, lines: dict[str, int], name: str,
                      batch: int) -> tuple[CheckStep, ...]:
    """The student's steps beside autograd's values, each with the line that computed it."""
    n = len(trace.z)
    values = step_values(submission)
    steps = []
    for index, (phase, kind, k) in enumerate(_order(submission, n)):
        key = f"{kind}{k}" if kind in ("W", "b") else f"{kind}.{k}"
        tag, layer = _tag(kind, k, n)
        symbol, title, tex, text = _describe(tag, layer, n, batch)
        mine, theirs = values[key], _autograd(trace, kind, k)
        line = lines.get(key)
        where = (f"line {line} of {name} computed this value" if line is not None
                 else f"no line of {name} computed this value")
        steps.append(CheckStep(index, phase, layer, tag, symbol, title, tex, text, line, mine,
                               theirs, _agreement(symbol, mine, theirs), where))
    return tuple(steps)


def _agreement(symbol: str, mine: torch.Tensor, theirs: torch.Tensor):
    """compare()'s, counting as differing only what rounding does not explain (as the check
    does: a correct NumPy pass rounds its sums differently from torch's)."""
    if mine.dtype == torch.bool:
        return compare(symbol, mine, theirs)
    judged = judge(symbol, "", 0, mine, theirs)
    return dataclasses.replace(judged.agreement, differ=judged.differ)


def first_differing(steps: tuple[CheckStep, ...]) -> int | None:
    """The index of the first step that differs or cannot be compared; None when all agree."""
    return next((s.index for s in steps if state(s.agreement) != "agree"), None)
