"""Pilot: the cell cursor. Its formula's numbers are the run's tensors' entries; it stays on
its cell across steps of one shape, is clamped on a smaller one, follows a click, and y / Y
copy the entry and the grid."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from textual.strip import Strip
from tui_pilot import settle, text_of, wait_for

from backprop.check.loader import parse_target
from backprop.compare import significant
from backprop.config import RunConfig
from tui.app import GradTUI
from tui.entry_text import number
from tui.widgets.values import ValuesView

FIXTURES = Path(__file__).parents[1] / "backprop" / "check_fixtures"


def _times(a: float, b: float) -> str:
    """`a × b` as a formula writes it: a negative right factor in parentheses."""
    return f"{number(a)} × " + (number(b) if b >= 0 else f"({number(b)})")


def values_pane_top(screen) -> int:
    return screen.query_one("#values-pane").region.y


def _info(screen) -> list[str]:
    return text_of(screen, "#info").splitlines()


def _reversed_at(strip: Strip) -> list[int]:
    """The columns of a drawn row whose style is reversed (the cursor's cell)."""
    columns, x = [], 0
    for segment in strip:
        width = segment.cell_length
        if segment.style is not None and segment.style.reverse:
            columns += range(x, x + width)
        x += width
    return columns


async def _to(pilot, screen, symbol: str) -> None:
    """Go to the step named `symbol` (the search finds the first from the cursor on)."""
    await pilot.press("home", "slash", *symbol, "enter")
    assert screen.run.steps[screen.cursor].symbol == symbol


async def test_the_formula_of_a_product_shows_the_entries_of_x_and_delta() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p", "tab", "down", "right", "right")   # dL/dW_1[2,3]
        run, step = screen.run, screen.run.steps[screen.cursor]
        x, delta = run.problem.x[0, 1].item(), run.manual.delta[0][0, 2].item()
        value = step.manual[1, 2].item()
        lines = _info(screen)
        assert lines[1] == (f"dL/dW_1[2,3] = {significant(value, 9)} hand-written · "
                            f"{significant(step.autograd[1, 2].item(), 9)} autograd   "
                            "float32, every digit")
        assert lines[2] == (f"dL/dW_1[2,3] = x[2] · delta_1[3] = {_times(x, delta)} = "
                            f"{number(value)}")
        assert lines[3] == f"where x[2] = {significant(x, 9)} · delta_1[3] = " \
            f"{significant(delta, 9)}"
        assert (torch.tensor(x) * torch.tensor(delta)).item() == value   # the same numbers
        info = screen.query_one("#info")
        assert info.region.height == 1 + 4 + 5   # the step's 4 lines, the entry's 5, a border
        await pilot.press("escape")   # the cursor hidden: the step's own equation again
        assert _info(screen)[1].startswith("dL/dW_1 = x^T delta_1")
        assert info.region.height == 6 and values_pane_top(screen) == info.region.bottom


async def test_a_sum_lists_its_products_and_elides_the_rest_with_their_count() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await _to(pilot, screen, "z_3")
        await pilot.press("tab")
        run = screen.run
        h, W = run.manual.h[1][0].tolist(), run.problem.weights[2][:, 0].tolist()
        lines = _info(screen)
        assert lines[2].startswith("z_3[1] = Σ_i h_2[i] W_3[i,1] + b_3[1] = ")
        assert "11 terms" in lines[2]
        terms = " ".join(lines[3:6])
        assert terms.startswith(f"= {_times(h[0], W[0])} ")
        shown = terms.count(" × ")
        if shown < 10:   # what did not fit is counted, never cut silently
            assert f"… {11 - shown} more of 11 terms (y copies them all)" in terms
        await pilot.press("y")   # the copy has every term
        copied = app.clipboard.splitlines()
        assert copied[3] == "z_3[1] = Σ_i h_2[i] W_3[i,1] + b_3[1]"
        assert [line.split(":")[0].strip() for line in copied[4:15]] == [
            *(f"h_2[{i}] · W_3[{i},1]" for i in range(1, 11)), "b_3[1]"]
        product = (torch.tensor(h[0]) * torch.tensor(W[0])).item()
        assert copied[4].endswith(f" = {significant(product, 9)}")
        assert significant(h[0], 9) in copied[4] and significant(W[0], 9) in copied[4]


async def test_the_cursor_keeps_its_cell_on_one_shape_and_is_clamped_on_a_smaller() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await settle(pilot)
        await _to(pilot, screen, "dL/dW_2")
        await pilot.press("tab", *["down"] * 4, *["right"] * 6)
        values = screen.query_one(ValuesView)
        assert values.cell == (4, 6) and _info(screen)[1].startswith("dL/dW_2[5,7] = ")
        await pilot.press("p")   # delta_2, 1x10: clamped to its one row
        assert values.cell == (0, 6) and _info(screen)[1].startswith("delta_2[7] = ")
        await pilot.press("n")   # back on a 10x10 grid: the same cell as before
        assert values.cell == (4, 6)
        await pilot.press("p", "p", "p", "p")   # dL/dW_3: the same shape, the same cell
        assert screen.run.steps[screen.cursor].symbol == "dL/dW_3" and values.cell == (4, 6)
        assert _info(screen)[1].startswith("dL/dW_3[5,7] = ")
        # Drawn reversed in the hand-written grid, autograd's and their difference.
        lines = values.cursor_lines()
        assert len(values.arrangement.places) == 3
        spots = values._cursor_spots()
        drawn = [x for line in lines for x in _reversed_at(values.render_line(line))]
        wanted = [x + i for line in lines for x, width in spots[line] for i in range(width)]
        assert sorted(drawn) == sorted(wanted)
        assert len(wanted) == sum(place.shape.cell for place in values.arrangement.places)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_a_click_puts_the_cursor_on_the_cell_clicked(size: tuple[int, int]) -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=size) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p")   # dL/dW_1
        values = screen.query_one(ValuesView)
        place = values.arrangement.places[-1]   # autograd's alone, or the difference below
        for row, col in ((1, 3), (2, 8)):
            line, x = place.spot(row, col)
            assert await pilot.click(ValuesView, offset=(x + 2, line + 1))
            assert app.focused is values and values.cell == (row, col)
            assert _info(screen)[1].startswith(f"dL/dW_1[{row + 1},{col + 1}] = ")
        assert await pilot.click(ValuesView, offset=(0, 0))   # the caption: no cell
        assert values.cell == (2, 8)


async def test_big_y_copies_the_grid_shown_as_tab_separated_text_every_digit() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p", "v", "Y")   # dL/dW_1, autograd's grid
        step = screen.run.steps[screen.cursor]
        rows = [line.split("\t") for line in app.clipboard.splitlines()]
        assert torch.equal(torch.tensor([[float(v) for v in row] for row in rows],
                                        dtype=torch.float32), step.autograd)
        assert all(len(v.split("e")[0].replace("-", "").replace(".", "")) == 9
                   for row in rows for v in row)
        await wait_for(pilot, lambda: any("autograd grid of dL/dW_1 (10×10)" in n.message
                                          for n in app._notifications))
        await pilot.press("n", "y")   # dL/db_1[1]: the cursor's cell, even while hidden
        assert app.clipboard.splitlines()[:3] == [
            "dL/db_1[1] (float32)",
            f"hand-written: {significant(screen.run.manual.grad_b[0][0, 0].item(), 9)}",
            f"autograd:     {significant(screen.run.autograd.grad_b[0][0, 0].item(), 9)}"]
        assert any(n.message.startswith("Copied dL/db_1[1]") for n in app._notifications)


async def test_big_i_scrolls_to_the_inputs_of_z_and_back() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settle(pilot)
        await _to(pilot, screen, "z_2")
        pane, values = screen.query_one("#values-pane"), screen.query_one(ValuesView)
        await pilot.press("I")
        top = values.inputs_top
        assert values.text().splitlines()[top] == "computed from h_1, W_2, b_2"
        assert round(pane.scroll_y) == min(top, pane.max_scroll_y) > 0
        await pilot.press("I")
        assert pane.scroll_y == 0


async def test_the_check_screen_has_the_cursor_its_formula_from_autograds_inputs(
        tmp_path: Path) -> None:
    mine = tmp_path / "mine.py"
    source = (FIXTURES / "layered_solution.py").read_text()
    mine.write_text(source.replace("WRONG_AT = None", "WRONG_AT = 2"))
    config = RunConfig(K=3, d=4, seed=5)
    app = GradTUI(config, check=(parse_target(str(mine)), 60.0))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot, timeout=120)
        step = screen.run.steps[screen.cursor]   # the first step that differs
        await pilot.press("tab")
        lines = _info(screen)
        mine_value, theirs = (significant(t.reshape(-1)[0].item(), 9)
                              for t in (step.manual, step.autograd))
        assert lines[1].startswith(f"{step.symbol}[1] = {mine_value} hand-written · "
                                   f"{theirs} autograd")
        assert "they differ" in lines[1] or mine_value == theirs
        autograd = screen.run.autograd
        if step.tag == "delta":   # delta_k = dL/dh_k · m_k, autograd's dL/dh_k and m_k
            assert lines[3].startswith(
                f"where dL/dh_{step.layer}[1] = "
                f"{significant(autograd.grad_h[step.layer - 1][0, 0].item(), 9)}")
