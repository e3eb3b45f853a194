"""Pilot: from 150 columns the two passes' grids stand side by side, the difference below."""

from __future__ import annotations

import pytest
from tui_pilot import settle, values_text

from backprop.config import RunConfig
from tui.app import GradTUI
from tui.cells import compact
from tui.grid import NUMBER_CELL


@pytest.mark.parametrize(("width", "paired"), [(150, True), (149, False), (200, True)])
async def test_the_passes_side_by_side_from_150_columns(width: int, paired: bool) -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(width, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p")   # dL/dW_1, 10x10
        step = screen.run.steps[screen.cursor]
        lines = values_text(screen).splitlines()
        values = screen.query_one("#values")
        if not paired:
            assert values.shown == ("hand-written",)   # one at a time: v cycles
            return
        assert values.shown == ("hand-written", "autograd", "difference")
        title = lines[1]
        assert title.startswith("hand-written") and "autograd" in title
        assert "hand-written" in lines[14] and "autograd" in lines[14]   # the difference, below
        cell = (len(lines[3]) - 1) // 2 // 10   # row label, ten cells, a gap, then again
        assert cell in (NUMBER_CELL, NUMBER_CELL - 1)
        for i in range(10):   # each row: the hand-written values, then autograd's, numbers
            row = lines[3 + i].split()
            hand = [compact(v, cell - 1) for v in step.manual[i].tolist()]
            ours = [compact(v, cell - 1) for v in step.autograd[i].tolist()]
            assert row == [str(i + 1), *hand, str(i + 1), *ours]
            assert set(lines[16 + i].split()[1:]) == {"0"}   # bit for bit: differences 0
        await pilot.press("v")
        assert values.shown == ("hand-written", "autograd", "difference")   # nothing to cycle


def _legend(screen) -> str:
    return next(line for line in values_text(screen).splitlines()
                if line.startswith(("blue < 0", "colour only")))


async def test_the_legend_names_the_scale_of_the_grid_it_colours() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p")   # dL/dW_1, one grid at a time here
        top = max(abs(v) for v in screen.run.steps[screen.cursor].manual.reshape(-1).tolist())
        assert f"linear: strong = |v| {compact(top)}" in _legend(screen)
        await pilot.press("v", "v")     # the difference: bit for bit, all 0
        assert "difference: every value is 0" in _legend(screen)
        assert "strong" not in _legend(screen)
        await pilot.resize_terminal(170, 40)   # all three: both scales named
        await pilot.pause()
        legend = _legend(screen)
        assert f"strong = |v| {compact(top)} · difference: every value is 0" in legend
