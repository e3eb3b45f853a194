"""Pilot: the first step is drawn once the two passes are done; finite differences follow."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from tui_pilot import settle, status_step, text_of, wait_for

import backprop.run
from backprop.config import RunConfig
from tui.app import GradTUI


@pytest.fixture
def fd_gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """with_finite_differences waits until the returned event is set."""
    real = backprop.run.with_finite_differences
    event = threading.Event()

    def slow(run, stage=lambda name: None):
        assert event.wait(30)
        return real(run, stage)

    monkeypatch.setattr(backprop.run, "with_finite_differences", slow)
    yield event
    event.set()


def _fd_line(screen) -> str:
    return next(line for line in text_of(screen, "#info").splitlines()
                if line.startswith("finite differences"))


async def test_the_first_step_is_shown_before_the_finite_differences(fd_gate) -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen_stack[0]
        await wait_for(pilot, lambda: screen.run is not None, timeout=60)
        assert screen.run.fd is None   # the passes are on screen, the third check is not
        assert status_step(screen) == "step 1/78"
        assert _fd_line(screen) == ("finite differences (float64): computing in the "
                                    "background …")
        await pilot.press("n")
        assert screen.cursor == 1   # the keys work meanwhile
        fd_gate.set()
        await wait_for(pilot, lambda: screen.run.fd is not None, timeout=60)
        fd = screen.run.fd
        total = sum(p.resolved for p in fd.params)
        line = _fd_line(screen)
        assert line.startswith(f"finite differences (float64): agree on {total} of "
                               f"{sum(p.checked for p in fd.params)} entries")
        kinks = sum(p.kinks for p in fd.params)
        assert (f", {kinks} at kinks" in line) == (kinks > 0)
        await pilot.press("end", "p")   # dL/dW_1: its own parameter's check
        w1 = next(p for p in fd.params if p.name == "W1")
        assert _fd_line(screen).startswith(
            f"finite differences (float64) of W1: agree on {w1.resolved} of {w1.checked} "
            "entries")


async def test_a_new_config_meanwhile_drops_the_old_finite_differences(fd_gate) -> None:
    app = GradTUI(RunConfig(K=3))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen_stack[0]
        await wait_for(pilot, lambda: screen.run is not None, timeout=60)
        await pilot.press("i")   # kaiming, while randn's finite differences are pending
        fd_gate.set()
        screen = await settle(pilot)
        assert screen.run.config.init == "kaiming" and screen.run.fd is not None
        assert "agree on" in _fd_line(screen)
