"""A monkey: random keys, bursts and resizes at three sizes, and nothing breaks.

Among the keys are the bindings, the dialogs' and the palette's keys (Enter, Escape,
PageUp/PageDown, ctrl+p, digits, letters), sent one at a time or in a burst with no
wait between them, and terminal resizes (one below the minimum size).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

import pytest
from textual.app import SystemCommand
from textual.screen import Screen
from tui_pilot import burst, settle, status_step, text_of

from backprop.config import RunConfig
from tui.app import GradTUI
from tui.screens.steps import StepScreen
from tui.widgets.code_view import CodeView
from tui.widgets.step_list import StepList
from tui.widgets.step_strip import StepStrip
from tui.widgets.values import ValuesView

# Every key of StepScreen's bindings, the help keys, and what dialogs and the palette take.
KEYS = ["n", "right", "down", "space", "p", "left", "up", "home", "end", "f", "b", "g", "v",
        "l", "r", "s", "i", "t", "e", "f1", "question_mark", "escape", "enter", "3", "0",
        "1", "backspace", "pageup", "pagedown", "ctrl+p", "tab", "a", "]", "[", "/", "y", "Y", "I"]
# Keys that recompute or write are rarer: while a worker computes, each press waits for
# the process to go idle, and a few of them test the same thing as many.
WEIGHTS = [0.2 if key in ("r", "s", "i", "t", "e") else 1.0 for key in KEYS]
SIZES = [(80, 24), (120, 36), (160, 45), (59, 19), (100, 30), (150, 40)]
PRESSES = 90
LEAVING = ("Quit", "Save screenshot")   # palette commands that end or leave the test


class MonkeyApp(GradTUI):
    """gradtui, without the palette's commands that quit or write screenshots."""

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every command but those in LEAVING."""
        return (c for c in super().get_system_commands(screen) if c.title not in LEAVING)


def _consistent(screen: StepScreen) -> None:
    run = screen.run
    if run is None or screen.too_small:
        return
    assert 0 <= screen.cursor < len(run.steps)
    assert status_step(screen) == f"step {screen.cursor + 1}/{len(run.steps)}"
    assert screen.query_one(StepList).highlighted == screen.cursor
    assert screen.query_one(StepStrip).highlighted == screen.cursor
    assert screen.query_one(CodeView).current == run.steps[screen.cursor].line
    values = screen.query_one(ValuesView)
    rows, cols = values.grid_shape
    if values.cell is not None:   # the cell cursor stays inside the step's grid
        assert 0 <= values.cell[0] < rows and 0 <= values.cell[1] < cols
        if values.has_focus and values.shown:   # and the step info shows that very entry
            entry = screen.current_entry()
            info = text_of(screen, "#info").splitlines()
            assert entry is not None and info[1].startswith(f"{entry.symbol} = ")


@pytest.mark.parametrize(("size", "seed"), [((80, 24), 1), ((120, 36), 2), ((160, 45), 3)])
async def test_random_keys_bursts_and_resizes(size: tuple[int, int], seed: int,
                                              tmp_path: Path) -> None:
    rng = random.Random(seed)
    app = MonkeyApp(RunConfig(K=4, d=6), out=str(tmp_path / "out"))
    async with app.run_test(size=size) as pilot:
        screen = await settle(pilot)
        for _ in range(PRESSES):
            roll = rng.random()
            if roll < 0.05:
                await pilot.resize_terminal(*rng.choice(SIZES))
            elif roll < 0.15:
                burst(pilot, *rng.choices(KEYS, WEIGHTS, k=rng.randint(2, 6)))
                await pilot.pause()
            else:
                await pilot.press(rng.choices(KEYS, WEIGHTS)[0])
            assert app.is_running
            assert app.screen_stack[0] is screen
            _consistent(screen)
        await pilot.resize_terminal(*size)
        while app.screen is not screen:   # close a dialog or the help the monkey left open
            await pilot.press("escape")
        screen = await settle(pilot)
        _consistent(screen)
        assert screen.run.config == screen.config
        assert (screen.config.K, screen.config.d) == (4, 6)
