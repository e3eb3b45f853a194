"""Pilot: no key sequence crashes or hangs the app — long numbers, bursts, the palette's keys."""

from __future__ import annotations

import time

from textual.command import CommandList
from tui_pilot import burst, settle, status_step, text_of, wait_for

from backprop.config import MAX_SEED, RunConfig
from tui.app import GradTUI
from tui.screens.number_dialog import NumberDialog
from tui.screens.steps import StepScreen


async def test_a_long_run_of_digits_is_capped_at_once_not_matched_for_minutes() -> None:
    app = GradTUI(RunConfig(K=3, d=4))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("s", "ctrl+a", "ctrl+k")
        started = time.perf_counter()
        await pilot.press(*["1"] * 30, "a")   # Textual's integer filter took ~4 min here
        assert time.perf_counter() - started < 10
        field = app.screen.query_one("#dialog-input")
        assert field.value == "1" * len(str(MAX_SEED))   # the rest refused
        assert "Only the digits 0-9" in text_of(app.screen, "#dialog-error")
        await pilot.press("escape")
        assert isinstance(app.screen, StepScreen)


async def test_the_layer_dialog_refuses_a_letter_and_a_layer_out_of_range() -> None:
    app = GradTUI(RunConfig(K=3, d=4))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("g", "ctrl+a", "ctrl+k", "x", "9", "enter")
        assert isinstance(app.screen, NumberDialog)
        assert app.screen.query_one("#dialog-input").value == "9"
        assert text_of(app.screen, "#dialog-error") == "9 is not between 1 and 4."   # K + 1 layers
        await pilot.press("backspace", "2", "enter")
        assert app.screen is screen
        step = screen.run.steps[screen.cursor]
        assert (step.tag, step.layer) == ("z", 2)


async def test_a_second_enter_in_the_same_burst_does_not_close_the_steps() -> None:
    app = GradTUI(RunConfig(K=3, d=4))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("g", "ctrl+a", "ctrl+k")
        burst(pilot, "3", "enter", "enter", "enter")
        await wait_for(pilot, lambda: app.screen is screen and screen.run.steps[
            screen.cursor].layer == 3)
        burst(pilot, "s", "7", "enter", "g", "3", "enter")   # as typed in the report
        await pilot.pause(0.5)
        assert app.is_running and app.screen_stack[0] is screen
        while app.screen is not screen:   # what is left open of the burst's dialogs
            await pilot.press("escape")
        screen = await settle(pilot)
        assert screen.run.config == screen.config


async def test_page_keys_right_after_the_palette_opens_do_not_crash_it() -> None:
    app = GradTUI(RunConfig(K=3, d=4))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        for page in ("pagedown", "pageup"):
            burst(pilot, "ctrl+p", "e", page, page)
            await pilot.pause(0.3)
            assert app.is_running and app.screen is not screen   # the palette, still open
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is screen)


async def test_page_down_in_a_laid_out_palette_still_moves_a_page() -> None:
    app = GradTUI(RunConfig(K=10))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+p", "l", "a")
        commands = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count > 10)
        await pilot.press("down")
        before = commands.highlighted
        await pilot.press("pagedown")
        assert commands.highlighted > before + 1
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_keys_pressed_while_the_run_is_computed_leave_the_first_step() -> None:
    app = GradTUI(RunConfig(K=3, d=4))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen_stack[0]
        await pilot.press("n", "n", "end", "pagedown", "v", "l")
        screen = await settle(pilot)
        assert screen.cursor == 0 or screen.run is not None
        assert status_step(screen).startswith(f"step {screen.cursor + 1}/")
        assert app.is_running
