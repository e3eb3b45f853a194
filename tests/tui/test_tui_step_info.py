"""StepInfo's verdict line: bit for bit, agreement at 5 digits, the largest relative error."""

from __future__ import annotations

import dataclasses

import torch

from backprop.compare import compare
from tui.widgets.step_info import verdict


def _with_autograd(step, autograd: torch.Tensor):
    """`step` as if autograd had computed `autograd` for it."""
    return dataclasses.replace(step, autograd=autograd,
                               agreement=compare(step.symbol, step.manual, autograd))


def test_identical_values(default_run) -> None:
    step = default_run.steps[0]
    assert verdict(step).plain == ("✓ bit-for-bit identical · ✓ agrees at 5 sig. digits · "
                                   "max rel error 0")


def test_a_last_bit_difference_agrees_but_is_not_identical(default_run) -> None:
    step = default_run.steps[0]
    nudged = step.manual.clone()
    nudged[0, 1] = torch.nextafter(nudged[0, 1], torch.tensor(float("inf")))
    text = verdict(_with_autograd(step, nudged)).plain
    assert text.startswith("≠ not bit-for-bit identical · ✓ agrees at 5 sig. digits")
    rel = float(text.rsplit("max rel error ", 1)[1])
    assert 0 < rel < 1e-6


def test_a_real_difference_is_counted(default_run) -> None:
    step = default_run.steps[0]
    wrong = step.manual.clone()
    wrong[0, :3] *= 1.01
    text = verdict(_with_autograd(step, wrong)).plain
    assert "✗ 3 of 10 differ at 5 sig. digits" in text
    assert text.endswith("max rel error 1.0e-02") or "max rel error 9.9e-03" in text


def test_nonfinite_entries_are_named(default_run) -> None:
    step = default_run.steps[0]
    broken = step.manual.clone()
    broken[0, 0] = float("inf")
    assert "1 entries are inf or nan" in verdict(_with_autograd(step, broken)).plain


def test_the_step_list_marks_a_step_whose_passes_differ(default_run) -> None:
    from tui.widgets.step_list import step_label

    step = default_run.steps[36]
    total = len(default_run.steps)
    assert step_label(step, total).plain == "37 ← dL/dW_11  "
    wrong = _with_autograd(step, step.manual + 1.0)
    assert step_label(wrong, total).plain == "37 ← dL/dW_11 ✗"
