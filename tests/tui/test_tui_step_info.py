"""Agree, differ, not comparable: StepInfo's verdict, the step list's marks, the status line."""

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


def test_inf_on_one_side_differs_and_is_named(default_run) -> None:
    step = default_run.steps[0]
    broken = step.manual.clone()
    broken[0, 0] = float("inf")
    text = verdict(_with_autograd(step, broken)).plain
    assert "✗ 1 of 10 differ at 5 sig. digits" in text
    assert "max rel error 0 on 9 finite" in text
    assert text.endswith("1 of 10 inf or nan")


def test_the_same_nan_in_both_passes_is_not_comparable(default_run) -> None:
    step = default_run.steps[0]
    nan = step.manual.clone()
    nan[0, :6] = float("nan")
    same = dataclasses.replace(step, manual=nan, autograd=nan.clone(),
                               agreement=compare(step.symbol, nan, nan.clone()))
    assert same.agreement.bitwise and not same.agreement.agree   # identical, yet no digits
    text = verdict(same).plain
    assert text == ("✓ bit-for-bit identical · ? not comparable: 6 of 10 inf or nan · "
                    "max rel error 0 on 4 finite")
    assert "✗" not in text and "differ" not in text
    everything = torch.full_like(nan, float("nan"))
    none = dataclasses.replace(step, manual=everything, autograd=everything,
                               agreement=compare(step.symbol, everything, everything))
    assert verdict(none).plain.endswith("? not comparable: 10 of 10 inf or nan")


def test_the_step_list_marks_steps_that_differ_or_cannot_be_compared(default_run) -> None:
    from tui.widgets.step_list import step_label

    step = default_run.steps[36]
    total = len(default_run.steps)
    assert step_label(step, total).plain == "37 ← dL/dW_11  "
    wrong = _with_autograd(step, step.manual + 1.0)
    assert step_label(wrong, total).plain == "37 ← dL/dW_11 ✗"
    nan = torch.full_like(step.manual, float("nan"))
    same = dataclasses.replace(step, manual=nan, autograd=nan,
                               agreement=compare(step.symbol, nan, nan))
    assert step_label(same, total).plain == "37 ← dL/dW_11 ?"
    assert step_label(same, total, pad=False).plain == "37 ← dL/dW_11 ?"
    assert step_label(step, total, pad=False).plain == "37 ← dL/dW_11"


async def test_an_overflowed_run_is_shown_as_not_comparable_rather_than_different() -> None:
    from tui_pilot import settle, text_of, values_text

    from backprop.config import RunConfig
    from tui.app import GradTUI
    from tui.screens.help import HelpScreen
    from tui.widgets.step_list import StepList

    app = GradTUI(RunConfig(K=70, seed=3))   # float32 overflows: identical nan in both passes
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end")             # dL/db_1: 9 of 10 entries nan, one 0
        step = screen.run.steps[screen.cursor]
        assert step.agreement.nonfinite == 9 and step.agreement.differ == 0
        assert "? not comparable: 9 of 10 inf or nan" in text_of(screen, "#info")
        legend = next(line for line in values_text(screen).splitlines()
                      if line.startswith("blue < 0 < red"))   # under the grids, above inputs
        assert "magenta = inf/nan" in legend and "every finite value is 0" in legend
        marks = [line.plain[-1] for line in screen.query_one(StepList)._lines]
        assert marks.count("?") == sum(s.agreement.nonfinite > 0 for s in screen.run.steps) > 0
        assert "✗" not in marks
        assert "see the banner" in text_of(screen, "#status")   # the overflow banner
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        legend = " ".join(str(w.content) for w in app.screen.query("Static"))
        assert "✗ means the passes differ" in legend and "? that they cannot be compared" in legend


def test_the_status_line_counts_gradients_that_differ_and_that_cannot_be_compared(
        default_run) -> None:
    from tui.widgets.status_line import status

    nan = float("nan")
    comparison = list(default_run.comparison)
    w1 = default_run.autograd.gradients()["W1"]
    comparison[0] = compare("W1", w1, w1 + 1.0)
    comparison[1] = compare("b1", torch.full((1, 3), nan), torch.full((1, 3), nan))
    comparison[2] = compare("W2", torch.full((1, 3), nan), torch.full((1, 3), nan))
    run = dataclasses.replace(default_run, comparison=tuple(comparison), diagnostics=())
    assert status(run, 0, None).plain.startswith(
        "1 of 22 gradients differ, 2 of 22 not comparable (inf/nan)")


def test_at_80_columns_the_status_line_keeps_the_verdict_and_the_recompute_whole(
        default_run) -> None:
    from tui.widgets.status_line import status

    nan = float("nan")
    comparison = list(default_run.comparison)
    w1 = default_run.autograd.gradients()["W1"]
    comparison[0] = compare("W1", w1, w1 + 1.0)
    comparison[1] = compare("b1", torch.full((1, 3), nan), torch.full((1, 3), nan))
    run = dataclasses.replace(default_run, comparison=tuple(comparison), diagnostics=())
    pending = dataclasses.replace(run.config, seed=123456, init="kaiming")
    line = status(run, 76, pending, width=78).plain   # 80 columns less the padding
    assert len(line) <= 78
    assert line == "1 of 22 gradients differ, 1 of 22 not comparable (inf/nan) │ computing …"
    wide = status(run, 76, pending, width=200).plain
    assert wide.startswith("1 of 22 gradients differ, 1 of 22 not comparable (inf/nan) │ "
                           "computing seed=123456 kaiming … │ step 77/78 │ L ")
    assert wide.endswith(" │ K=10 d=10 seed=2 randn float32 draw=0")
    short = status(default_run, 0, pending, width=78).plain
    assert short == "all 22 gradients bit-for-bit identical │ computing seed=123456 kaiming …"
    one = dataclasses.replace(run.config, init="kaiming")
    assert status(default_run, 0, one, width=78).plain == (
        "all 22 gradients bit-for-bit identical │ computing kaiming … │ step 1/78")


def test_the_output_layer_and_a_gradient_flowing_down_are_named(default_run) -> None:
    from tui.widgets.step_info import layer_text

    by_symbol = {step.symbol: step for step in default_run.steps}
    assert layer_text(by_symbol["z_11"], 11) == " · layer 11 (the output layer)"
    assert layer_text(by_symbol["z_3"], 11) == " · layer 3"
    assert layer_text(by_symbol["dL/dh_1"], 11) == " · from layer 2 down to layer 1"
    assert layer_text(by_symbol["L"], 11) == ""
