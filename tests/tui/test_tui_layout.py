"""Pilot: loading state, sizes from too small to wide, any K and d, the help screen."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from textual.widgets._footer import FooterKey
from tui_pilot import settle, text_of, values_text

import backprop.run
from backprop.config import RunConfig
from tui.app import GradTUI
from tui.screens.help import HelpScreen
from tui.screens.steps import MIN_HEIGHT, MIN_WIDTH, StepScreen
from tui.widgets.step_list import ARROWS
from tui.widgets.step_strip import StepStrip


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """compute_run waits until the returned event is set: a slow computation on demand."""
    real = backprop.run.compute_run
    event = threading.Event()

    def slow(config, stage=lambda name: None, fd=True):
        assert event.wait(30)
        return real(config, stage, fd)

    monkeypatch.setattr(backprop.run, "compute_run", slow)
    yield event
    event.set()   # never leave a worker thread waiting


async def test_the_first_frame_says_it_is_loading_and_keys_are_safe(gate) -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        screen = app.screen
        assert isinstance(screen, StepScreen) and screen.run is None
        assert screen.has_class("-loading")
        assert screen.query_one("#loading").display
        assert "computing K=10 d=10 seed=2" in text_of(screen, "#loading")
        await pilot.press("n", "end", "v", "l", "f", "b", "e")
        assert screen.cursor == 0
        assert "still being computed" in list(app._notifications)[-1].message
        gate.set()
        screen = await settle(pilot)
        assert not screen.has_class("-loading") and screen.query_one("#body").display


async def test_a_recomputation_does_not_freeze_the_screen(gate) -> None:
    gate.set()
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        gate.clear()
        await pilot.press("i")
        await pilot.press("n", "n")
        assert screen.cursor == 2 and screen.run.config.init == "randn"
        status = text_of(screen, "#status")
        assert status.startswith("all 22 gradients bit-for-bit identical │ computing kaiming … "
                                 "│ step 3/78 │ L ")
        assert screen.has_class("-stale")   # the grids of the old run are dimmed ...
        assert values_text(screen).startswith("STALE (computing kaiming …) ")   # ... and say so
        gate.set()
        screen = await settle(pilot)
        assert screen.run.config.init == "kaiming" and screen.cursor == 2
        assert "computing" not in text_of(screen, "#status")
        assert not screen.has_class("-stale") and "STALE" not in values_text(screen)


async def test_too_small_says_so_and_resizing_lays_out_again() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(MIN_WIDTH - 1, 30)) as pilot:
        screen = await settle(pilot)
        note = screen.query_one("#too-small")
        assert note.display and not screen.query_one("#body").display
        assert f"needs at least {MIN_WIDTH}×{MIN_HEIGHT}" in text_of(screen, "#too-small")
        await pilot.resize_terminal(80, MIN_HEIGHT - 1)
        await pilot.pause()
        assert note.display and "80×19" in text_of(screen, "#too-small")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not note.display and screen.query_one("#body").display
        assert screen.has_class("-narrow") and screen.query_one(StepStrip).display
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert screen.has_class("-wide") and screen.query_one("#steps-pane").display
        assert not screen.query_one(StepStrip).display


async def test_no_key_acts_and_no_dialog_opens_while_too_small() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(40, 10)) as pilot:
        screen = await settle(pilot)
        assert screen.too_small
        for key in ("n", "n", "end", "v", "l", "s", "g", "f1", "question_mark", "ctrl+p", "e",
                    "r", "i", "t"):
            await pilot.press(key)
            assert app.screen is screen, key   # no dialog, help or palette over the message
        assert (screen.cursor, screen.view, screen.log_scale) == (0, 0, False)
        assert screen.config == RunConfig() and not app._notifications
        await pilot.resize_terminal(80, 24)   # big enough again: the keys work again
        await pilot.pause()
        await pilot.press("n", "s", "7")
        assert screen.cursor == 1 and app.screen is not screen
        await pilot.resize_terminal(40, 10)   # a dialog open as it shrinks: it closes
        await pilot.pause()
        assert app.screen is screen and screen.query_one("#too-small").display
        assert screen.config == RunConfig()
        await pilot.press("q")                # q still quits
        await pilot.pause()
        assert not app.is_running


@pytest.mark.parametrize("size", [(MIN_WIDTH, MIN_HEIGHT), (80, 24), (99, 30)])
async def test_a_narrow_screen_stacks_the_step_list_above_the_step(
        size: tuple[int, int]) -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=size) as pilot:
        screen = await settle(pilot)
        strip = screen.query_one(StepStrip)
        assert not screen.query_one("#steps-pane").display
        assert strip.display and strip.region.y == 0 and strip.region.width == size[0]
        assert strip.region.bottom <= screen.query_one("#info").region.y
        steps = screen.run.steps
        for key, cursor in (("n", 1), ("n", 2), ("n", 3), ("end", len(steps) - 1),
                            ("b", 34), ("home", 0)):
            await pilot.press(key)
            assert screen.cursor == cursor and strip.highlighted == cursor
            _check_layout(screen, *size)
            shown = strip.render().plain
            # The current step and its neighbours, as many on each side when steps are
            # hidden on both (an arrow at each end).
            labels = [f"{s.index + 1} {ARROWS[s.phase]} {s.symbol}" for s in steps]
            assert labels[cursor] in shown
            if 0 < cursor < len(steps) - 1:
                assert labels[cursor - 1] in shown and labels[cursor + 1] in shown
            assert shown.startswith("‹") == (labels[0] not in shown)
            assert shown.endswith("›") == (labels[-1] not in shown)
            if shown.startswith("‹") and shown.endswith("›"):
                first, last = strip.window(strip.size.width)
                assert abs((cursor - first) - (last - 1 - cursor)) <= 1
        first, last = strip.window(strip.size.width)
        assert last - first >= 4   # a list, not one step


async def test_clicking_a_step_in_the_strip_goes_there() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settle(pilot)
        await pilot.press("n", "n", "n", "n", "n")
        strip = screen.query_one(StepStrip)
        shown = strip.render().plain
        x = shown.index("8 → ")   # the step three to the right of step 6
        await pilot.click(StepStrip, offset=(x + 1, 0))
        assert screen.cursor == 7
        await pilot.click(StepStrip, offset=(0, 0))   # the arrow: the nearest hidden step
        first = strip.window(strip.size.width)[0]
        assert screen.cursor == first - 1 or first == 0


@pytest.mark.parametrize("size", [(MIN_WIDTH, MIN_HEIGHT), (80, 24), (120, 36)])
async def test_next_previous_help_and_quit_are_always_in_the_footer(
        size: tuple[int, int]) -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        keys = {key.action: key for key in app.screen.query(FooterKey)}
        palette = keys.pop("command_palette")
        for action in ("step(1)", "step(-1)", "help", "app.quit"):
            assert keys[action].region.right <= palette.region.x, action
        if size[0] >= 80:   # at 80 columns every key of the footer fits
            assert all(key.region.right <= palette.region.x for key in keys.values())


async def test_the_step_list_shows_the_current_step_after_widening() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p")
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        pane = screen.query_one("#steps-pane")
        assert pane.scroll_y <= screen.cursor < pane.scroll_y + pane.size.height


def _check_layout(screen: StepScreen, width: int, height: int) -> None:
    """Every part is on screen, inside it, and the status line sits above the footer."""
    status = screen.query_one("#status").region
    assert status.y == height - 2 and status.width == width
    for selector in ("#info", "#values-pane", "#code-pane"):
        region = screen.query_one(selector).region
        assert region.height >= 2, selector
        assert region.right <= width and region.bottom <= status.y, selector
    info = text_of(screen, "#info")
    step = screen.run.steps[screen.cursor]
    assert info.startswith(step.symbol)


@pytest.mark.parametrize("config", [RunConfig(K=1, d=1), RunConfig(K=40, d=10),
                                    RunConfig(K=2, d=64), RunConfig(K=40, d=64),
                                    RunConfig(K=3, d=5, batch=4),
                                    RunConfig(seed=0)])
@pytest.mark.parametrize("size", [(MIN_WIDTH, MIN_HEIGHT), (80, 24), (120, 36)])
async def test_any_k_and_d_keep_the_layout(config: RunConfig, size: tuple[int, int]) -> None:
    app = GradTUI(config)
    async with app.run_test(size=size) as pilot:
        screen = await settle(pilot)
        _check_layout(screen, *size)
        for key in ("n", "b", "end", "p", "v", "v", "l", "v"):   # vectors, then dW_1's grids
            await pilot.press(key)
            _check_layout(screen, *size)


async def test_help_lists_every_key_and_closes() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        for opener, closer in (("f1", "escape"), ("question_mark", "q"), ("f1", "f1")):
            await pilot.press(opener)
            assert isinstance(app.screen, HelpScreen)
            texts = [str(w.content) for w in app.screen.query(".help-text")]
            keys = [str(w.content) for w in app.screen.query(".help-key")]
            for binding in StepScreen.BINDINGS:
                assert binding.id is not None and binding.id.startswith("gradtui.")
                row = texts.index(binding.tooltip)
                assert len(keys[row].split(", ")) == len(binding.key.split(","))
            shown = {key for row in keys for key in row.split(", ")}
            for key in ("n", "p", "space", "home", "end", "f", "b", "g", "r", "s", "i", "t",
                        "v", "l", "e", "f1", "?", "q", "ctrl+p"):
                assert key in shown, key
            await pilot.press(closer)
            assert app.screen is screen
        assert app.is_running   # q closed the help, it did not quit


async def test_resizing_refits_the_grids() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p")   # dL/dW_1: 10x10
        values = screen.query_one("#values")
        assert values.shown == ("hand-written",)
        await pilot.resize_terminal(260, 40)
        await pilot.pause()
        assert values.shown == ("hand-written", "autograd", "difference")
        lines = values.text().splitlines()
        assert "hand-written" in lines[1] and "autograd" in lines[1]   # the passes side by side
        assert lines[14].startswith("difference")                       # the difference below
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert values.shown == ("hand-written",)


async def test_the_values_keep_their_size_while_the_grids_do() -> None:
    """A caption or legend a few columns longer must not resize the values: every resize
    costs a layout pass (and Textual's second one), which doubles the time to repaint."""
    app = GradTUI(RunConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settle(pilot)
        values, pane = screen.query_one("#values"), screen.query_one("#values-pane")
        sizes = set()
        for _ in range(6):   # z, mask, h of layers 1 and 2: 1x10 grids, different legends
            sizes.add(tuple(values.size))
            await pilot.press("n")
        assert sizes == {(pane.scrollable_content_region.width, values.size.height)}
