"""Pilot: finding a failure (] [ and /), the command palette, scrolling by keyboard."""

from __future__ import annotations

from textual.command import CommandList
from tui_pilot import planted, settle, status_step, values_text, wait_for

from backprop.config import RunConfig
from tui.app import GradTUI
from tui.commands import commands
from tui.screens.keys import STEP_BINDINGS
from tui.widgets.code_view import CodeView


async def test_brackets_go_to_the_next_and_previous_step_that_differs() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        screen.run = planted(screen.run)   # delta_3 and everything below it differ
        await pilot.pause()
        await pilot.press("right_square_bracket")
        assert screen.run.steps[screen.cursor].symbol == "delta_3"   # the root cause, first
        assert status_step(screen) == f"step {screen.cursor + 1}/78"
        await pilot.press("right_square_bracket")
        assert screen.run.steps[screen.cursor].symbol == "dL/dW_3"
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert screen.run.steps[screen.cursor].symbol == "delta_2"   # dL/dh_2 agrees: skipped
        await pilot.press("left_square_bracket")
        assert screen.run.steps[screen.cursor].symbol == "dL/db_3"
        await pilot.press("end", "right_square_bracket")
        assert screen.cursor == 77   # nothing after the last: it stays, and says so
        await pilot.press("home", "left_square_bracket")
        assert screen.cursor == 0


async def test_slash_searches_the_steps_by_name_and_wraps() -> None:
    app = GradTUI(RunConfig(K=3))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("slash", *"dW_2", "enter")
        assert screen.run.steps[screen.cursor].symbol == "dL/dW_2"
        await pilot.press("slash", "enter")   # the last search is offered again
        assert screen.run.steps[screen.cursor].symbol == "dL/dW_2"   # the only one: wrapped
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"mask", "enter")
        found = screen.run.steps[screen.cursor]
        assert found.tag == "mask" and found.layer == 1   # wrapped to the first mask
        before = screen.cursor
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"nothing", "enter")
        assert screen.cursor == before and app.screen is screen


def test_the_palette_holds_every_action_then_the_layers_in_numeric_order() -> None:
    class Screen:   # what `commands` reads of the step screen
        config = RunConfig(K=11)
        app = GradTUI()

        def run_action(self, action: str) -> None: ...
        def go_to_layer(self, layer: int, phase: str) -> None: ...

    titles = [title for title, _, _ in commands(Screen())]
    actions = [b for b in STEP_BINDINGS if b.id not in ("gradtui.unfocus", "gradtui.page-down",
                                                        "gradtui.page-up", "gradtui.quit")]
    assert titles[:len(actions)] == [f"{b.description}: {b.tooltip}" for b in actions]
    for wanted in ("Export", "View", "Log", "Seed", "Init", "Dtype", "Help", "Search"):
        assert any(title.startswith(f"{wanted}: ") for title in titles), wanted
    layers = titles[len(actions):]
    assert layers[:4] == ["Layer 1: forward (z_1)", "Layer 1: backward (delta_1)",
                          "Layer 2: forward (z_2)", "Layer 2: backward (delta_2)"]
    assert layers[-1] == "Layer 12: backward (delta_12)" and len(layers) == 24


async def test_an_action_runs_from_the_palette() -> None:
    app = GradTUI(RunConfig(K=3))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+p", *"Log: toggle")
        options = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: options.highlighted is not None and str(
            options.get_option_at_index(options.highlighted).prompt).startswith("Log: "))
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.log_scale)
        assert app.screen is screen


async def test_page_keys_scroll_the_values_and_the_column_numbers_stay() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p")   # dL/dW_1, 10x10: taller than the pane here
        pane = screen.query_one("#values-pane")
        assert pane.max_scroll_y > 0
        header = values_text(screen).splitlines()[1]   # the column numbers, under the caption
        assert header.split() == [str(j) for j in range(1, 11)]
        await pilot.press("pagedown")
        assert pane.scroll_y > 1 and screen.cursor == 76   # scrolled, not stepped
        top = screen.query_one("#values").render_line(round(pane.scroll_y)).text
        assert top.rstrip() == header.rstrip()   # the header sits at the top of the pane
        await pilot.press("pageup")
        assert pane.scroll_y == 0


async def test_tab_gives_a_pane_the_arrow_keys_and_escape_takes_them_back() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p")
        pane, values = screen.query_one("#values-pane"), screen.query_one("#values")
        await pilot.press("tab")
        assert app.focused is values
        for _ in range(9):   # the cell cursor to the last row: the pane follows it
            await pilot.press("down")
        assert screen.cursor == 76 and values.cell == (9, 0) and pane.scroll_y > 0
        bottom = round(pane.scroll_y) + pane.scrollable_content_region.height
        assert round(pane.scroll_y) < values.cursor_lines()[0] < bottom
        await pilot.press("tab")
        assert app.focused is screen.query_one("#code-pane")
        await pilot.press("escape")
        assert app.focused is None
        await pilot.press("down")
        assert screen.cursor == 77


async def test_after_a_resize_the_code_line_is_in_view() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end")
        await pilot.resize_terminal(100, 22)
        await pilot.pause(0.2)
        code, pane = screen.query_one(CodeView), screen.query_one("#code-pane")
        row = code.row_of(code.current)
        assert pane.scroll_y <= row < pane.scroll_y + pane.scrollable_content_region.height
