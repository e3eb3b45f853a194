"""Pilot: gradtui --check steps through the student's own pass, their file in the code pane.

One app runs the whole check (the child process, the sweep, the diagnosis) on a pass with
a mistake planted at layer 3: the points below are each asserted on that one screen.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
from pathlib import Path

import pytest
from tui_pilot import settle, text_of, values_text, wait_for

from backprop.check.loader import parse_target
from backprop.config import RunConfig
from backprop.verdict import state
from cli.gradtui import main
from tui.app import GradTUI
from tui.cells import compact
from tui.screens.check_result import CheckResultScreen
from tui.screens.check_steps import check_status
from tui.widgets.code_view import CodeView
from tui.widgets.step_list import StepList

FIXTURES = Path(__file__).parents[1] / "backprop" / "check_fixtures"
CONFIG = RunConfig(K=4, d=8, batch=4, seed=5)   # units on and off in every layer


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """layered_solution.py with layer 3's ReLU mask dropped, as mine.py; its dL/db_k are
    made in the return statement, on no line of their own."""
    mine = tmp_path / "mine.py"
    source = (FIXTURES / "layered_solution.py").read_text()
    made = "        grad_b[k] = delta[k].sum(dim=0, keepdim=True)\n"
    assert made in source
    mine.write_text(source.replace("WRONG_AT = None", "WRONG_AT = 3").replace(made, "").replace(
        "return grad_W, grad_b,", "return grad_W, [d.sum(dim=0, keepdim=True) for d in delta],"))
    return mine


async def test_the_screen_starts_on_the_first_differing_step_with_the_students_line(
        planted: Path) -> None:
    app = GradTUI(CONFIG, check=(parse_target(str(planted)), 60.0))
    source = planted.read_text().splitlines()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot, timeout=120)   # the steps; the sweep may still run
        early = screen.run
        await wait_for(pilot, lambda: screen.run.check is not None, timeout=120)
        run = screen.run
        assert run.steps == early.steps
        assert str(check_status(dataclasses.replace(run, check=None), run.first, CONFIG)) \
            .endswith("│ the sweep is running …")
        # The start step is the first that differs: δ_3, every step before it agrees.
        step = run.steps[screen.cursor]
        assert step.symbol == "delta_3" and screen.cursor == run.first
        assert all(state(s.agreement) == "agree" for s in run.steps[:screen.cursor])
        assert screen.query_one(StepList).highlighted == screen.cursor
        assert text_of(screen, "#status").startswith(f"differs from step {run.first + 1} │")
        # The code pane shows their file, the step's line highlighted: their line.
        code = screen.query_one(CodeView)
        assert code.source == planted.read_text() and code.current == step.line
        assert source[code.highlighted].strip() == "delta[k] = torch.where(mask, grad_h[k], 0.0)"
        assert text_of(screen, "#check-where") == f"line {step.line} of mine.py computed this value"
        # The values shown are the student's (the hand-written side), not autograd's.
        rows = [line.split()[1:] for line in values_text(screen).splitlines()[2:6]]
        mine = [[compact(v) for v in row] for row in step.manual.tolist()]
        theirs = [[compact(v) for v in row] for row in step.autograd.tolist()]
        assert rows == mine and rows != theirs
        assert values_text(screen).startswith("delta_3 (4×8): hand-written")
        # No finite differences are computed for their pass: none are promised.
        info = text_of(screen, "StepInfo")
        assert "computing" not in info and "finite differences: not used for your pass" in info

        # A step none of their lines computed says so, with no highlight; z_1 names its line.
        await pilot.press("home")
        assert run.steps[screen.cursor].symbol == "z_1"
        assert source[code.highlighted].strip() == "z.append(h[-1] @ W[k] + b[k])"
        unfound = next(s for s in run.steps if s.symbol == "dL/db_4")
        screen.cursor = unfound.index
        await pilot.pause()
        assert text_of(screen, "#check-where") == "no line of mine.py computed this value"
        assert code.highlighted is None

        # c: the check, from the same Check the steps came from.
        await pilot.press("c")
        await pilot.pause()
        result = app.screen
        assert isinstance(result, CheckResultScreen)
        assert text_of(result, "#check-diagnosis") == run.check.diagnosis.sentence
        assert text_of(result, "#check-sweep").startswith(run.check.sweep_sentence())
        await pilot.press("escape")
        assert app.screen is screen
        # ... and the help lists the key.
        await pilot.press("f1")
        await pilot.pause()
        keys = [str(w.content) for w in app.screen.query(".help-key")]
        texts = [str(w.content) for w in app.screen.query(".help-text")]
        assert texts[keys.index("c")].startswith("the check: every tensor's verdict, the sweep")
        await pilot.press("escape")
        # Enter in the check steps through the smallest failing config: it is checked next.
        await pilot.press("c", "enter")
        await pilot.pause()
        assert app.screen is screen and screen.config == run.check.smallest
        assert run.check.smallest.layers < CONFIG.layers


@pytest.mark.parametrize(("target", "words"), [
    ("nowhere.py", "gradtui: nowhere.py: no such file."),
    (f"{FIXTURES / 'layered_solution.py'}:forward",
     f"gradtui: {FIXTURES / 'layered_solution.py'} has no function 'forward'; it defines "
     "backward (pick one with"),
])
def test_a_bad_file_or_function_is_one_sentence_and_exit_2_before_the_screen(
        target: str, words: str, monkeypatch) -> None:
    monkeypatch.setattr("cli.gradtui.on_a_terminal", lambda: True)
    monkeypatch.setattr(GradTUI, "run", lambda self: pytest.fail("the screen was started"))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["--check", target])
    assert status == 2
    assert err.getvalue().startswith(words) and err.getvalue().count("\n") == 1, err.getvalue()


async def test_their_exception_ends_the_app_with_exit_2_and_their_traceback() -> None:
    app = GradTUI(RunConfig(), check=(parse_target(str(FIXTURES / "raises.py")), 60.0))
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(3000):
            if app.failure is not None:
                break
            await pilot.pause(0.02)
    assert app.return_code == 2
    sentence, traceback = app.failure
    assert sentence.startswith("on the default run") and "your code raised" in sentence
    assert "raises.py" in traceback and traceback.splitlines()[0].startswith("Traceback")


async def test_a_sweep_that_breaks_off_leaves_the_steps_and_says_why(tmp_path: Path) -> None:
    mine = tmp_path / "mine.py"   # right on the default run, raises on a one-layer network
    mine.write_text((FIXTURES.parents[2] / "examples" / "solution.py").read_text().replace(
        "    n = len(W)\n", "    n = len(W)\n    if n == 2:\n        raise ValueError('two')\n"))
    app = GradTUI(RunConfig(), check=(parse_target(str(mine)), 60.0))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen_stack[0]
        await wait_for(pilot, lambda: screen.stopped is not None, timeout=120)
        await pilot.pause()
        assert screen.run is not None and screen.run.check is None and app.failure is None
        assert len(screen.run.steps) == 22 and screen.run.first is None
        assert "your code raised ValueError" in screen.stopped
        assert text_of(screen, "#status").startswith("all 22 steps agree │")
        assert text_of(screen, "#status").endswith("the sweep stopped: c says why")
