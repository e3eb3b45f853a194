"""A monkey: a few hundred random keys from the bindings, at two sizes, and nothing breaks."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tui_pilot import settle, text_of

from backprop.config import RunConfig
from tui.app import GradTUI
from tui.screens.steps import StepScreen
from tui.widgets.code_view import CodeView
from tui.widgets.step_list import StepList
from tui.widgets.step_strip import StepStrip

# Every key of StepScreen's bindings, the help keys, and what a dialog needs to close.
KEYS = ["n", "right", "down", "space", "p", "left", "up", "home", "end", "f", "b", "g", "v",
        "l", "r", "s", "i", "t", "e", "f1", "question_mark", "escape", "enter", "3", "0",
        "backspace"]
# Keys that recompute or write are rarer: while a worker computes, each press waits for
# the process to go idle, and a few of them test the same thing as many.
WEIGHTS = [0.2 if key in ("r", "s", "i", "t", "e") else 1.0 for key in KEYS]
PRESSES = 150


def _consistent(screen: StepScreen) -> None:
    run = screen.run
    if run is None:
        return
    assert 0 <= screen.cursor < len(run.steps)
    assert text_of(screen, "#status").startswith(f"step {screen.cursor + 1}/{len(run.steps)}")
    assert screen.query_one(StepList).highlighted == screen.cursor
    assert screen.query_one(StepStrip).highlighted == screen.cursor
    assert screen.query_one(CodeView).current == run.steps[screen.cursor].line


@pytest.mark.parametrize(("size", "seed"), [((80, 24), 1), ((120, 36), 2)])
async def test_random_keys(size: tuple[int, int], seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    app = GradTUI(RunConfig(K=4, d=6), out=str(tmp_path / "out"))
    async with app.run_test(size=size) as pilot:
        screen = await settle(pilot)
        for _ in range(PRESSES):
            await pilot.press(rng.choices(KEYS, WEIGHTS)[0])
            assert app.is_running
            _consistent(screen)
        while app.screen is not screen:   # close a dialog or the help the monkey left open
            await pilot.press("escape")
        screen = await settle(pilot)
        _consistent(screen)
        assert screen.run.config == screen.config
        assert (screen.config.K, screen.config.d) == (4, 6)
