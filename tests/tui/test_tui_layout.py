"""Pilot: loading state, sizes from too small to wide, any K and d, the help screen."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from tui_pilot import settle, text_of

import backprop.run
from backprop.config import RunConfig
from tui.app import GradTUI
from tui.screens.help import HelpScreen
from tui.screens.steps import MIN_HEIGHT, MIN_WIDTH, StepScreen


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """compute_run waits until the returned event is set: a slow computation on demand."""
    real = backprop.run.compute_run
    event = threading.Event()

    def slow(config, stage=lambda name: None):
        assert event.wait(30)
        return real(config, stage)

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
        assert "computing K=10 d=10 seed=2 kaiming" in text_of(screen, "#status")
        gate.set()
        screen = await settle(pilot)
        assert screen.run.config.init == "kaiming" and screen.cursor == 2
        assert "computing" not in text_of(screen, "#status")


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
        assert screen.has_class("-narrow") and not screen.query_one("#steps-pane").display
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert screen.has_class("-wide") and screen.query_one("#steps-pane").display


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
                                    RunConfig(K=2, d=64), RunConfig(K=3, d=5, batch=4),
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
            for binding in [*StepScreen.BINDINGS, *GradTUI.BINDINGS]:
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
        first = values.text().splitlines()[1]
        assert "hand-written" in first and "autograd" in first and "difference" in first
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert values.shown == ("hand-written",)
