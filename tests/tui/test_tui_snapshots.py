"""Snapshots (pytest-textual-snapshot) at 80x24, 120x36 and 160x45; `--snapshot-update`
rewrites them.

Fixed configs and no timings on screen, so the pictures are the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from tui_pilot import planted, settle

from backprop.config import RunConfig
from tui.app import GradTUI

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36"),
         pytest.param((160, 45), id="160x45")]


def after_run(*keys: str) -> Callable[[Pilot], object]:
    """A run_before that waits for the run, then presses `keys`."""
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await pilot.pause()
    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_forward_step(snap_compare, size) -> None:
    assert snap_compare(GradTUI(RunConfig()), terminal_size=size,
                        run_before=after_run("n", "n", "n"))          # z_2


@pytest.mark.parametrize("size", SIZES)
def test_backward_step_with_a_matrix(snap_compare, size) -> None:
    assert snap_compare(GradTUI(RunConfig()), terminal_size=size,
                        run_before=after_run("end", "p"))             # dL/dW_1, 10x10


@pytest.mark.parametrize("size", SIZES)
def test_backward_step_with_its_inputs(snap_compare, size) -> None:
    # dL/dW_1 scrolled down to its inputs: x down the left, delta_1 along the top.
    assert snap_compare(GradTUI(RunConfig()), terminal_size=size,
                        run_before=after_run("end", "p", "pagedown", "pagedown"))


@pytest.mark.parametrize("size", SIZES)
def test_a_step_that_differs(snap_compare, size) -> None:
    # A hand-written pass that dropped the mask from delta_3 down: ] goes to delta_3.
    async def run_before(pilot: Pilot) -> None:
        screen = await settle(pilot)
        screen.run = planted(screen.run)
        await pilot.press("right_square_bracket")
        await pilot.pause()

    assert snap_compare(GradTUI(RunConfig()), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, size) -> None:
    assert snap_compare(GradTUI(RunConfig()), terminal_size=size, run_before=after_run("f1"))


@pytest.mark.parametrize("size", SIZES)
def test_dead_network(snap_compare, size) -> None:
    # dL/dy_pred = 2 (0 - y) = -0.433 is not 0, but the output ReLU is off: every
    # gradient below it is exactly 0, and the red banner says so.
    assert snap_compare(GradTUI(RunConfig(seed=0)), terminal_size=size,
                        run_before=after_run("b"))


@pytest.mark.parametrize("size", SIZES)
def test_overflowed_network(snap_compare, size) -> None:
    # float32 overflows: dL/db_1 is nan in both passes, bit for bit, so "?" (not
    # comparable) rather than "✗" (differ), and magenta cells.
    assert snap_compare(GradTUI(RunConfig(K=70, seed=3)), terminal_size=size,
                        run_before=after_run("end"))


@pytest.mark.parametrize("size", SIZES)
def test_cell_cursor_formula(snap_compare, size) -> None:
    # dL/dW_1[2,3] under the cell cursor, reversed in every grid shown; the step info gives
    # both values in full and x[2] · delta_1[3] with the run's numbers.
    assert snap_compare(GradTUI(RunConfig()), terminal_size=size,
                        run_before=after_run("end", "p", "tab", "down", "right", "right"))


@pytest.mark.parametrize("size", SIZES)
def test_cell_cursor_on_a_sum(snap_compare, size) -> None:
    # z_3[4] = Σ_i h_2[i] W_3[i,4] + b_3[4]: the products listed, what does not fit counted.
    assert snap_compare(GradTUI(RunConfig()), terminal_size=size,
                        run_before=after_run(*["n"] * 6, "tab", "right", "right", "right"))
