"""Helpers for driving gradtui in tests: wait for a run, read what the screen shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.pilot import Pilot
from textual.widgets import Static

from tui.screens.steps import StepScreen
from tui.widgets.values import ValuesView

if TYPE_CHECKING:
    from backprop.run import Run


async def settle(pilot: Pilot, timeout: float = 60.0) -> StepScreen:
    """Wait until the run of the config asked for is on screen; return the step screen."""
    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, StepScreen)
    waited = 0.0
    while screen.run is None or screen.run.config != screen.config:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.02)
        waited += 0.02
        assert waited < timeout, "the run was not computed in time"
    await pilot.pause()
    return screen


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds."""
    waited = 0.0
    while not condition():
        await pilot.pause(0.02)
        waited += 0.02
        assert waited < timeout, "the condition never held"


def text_of(screen: StepScreen, selector: str) -> str:
    """The plain text a Static (or a widget rendering Content) shows."""
    widget = screen.query_one(selector)
    if isinstance(widget, Static):
        return str(widget.content)
    return widget.render().plain


def values_text(screen: StepScreen) -> str:
    """The plain text of the values pane: caption, grids, legend."""
    return screen.query_one(ValuesView).text()


def burst(pilot: Pilot, *keys: str) -> None:
    """Send `keys` at once, as a paste or a fast typist would: no waiting between them."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    app = pilot.app
    assert app._driver is not None
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


def status_step(screen: StepScreen) -> str:
    """The `step i/N` part of the status line ('' when it is not shown)."""
    parts = text_of(screen, "#status").split(" │ ")
    return next((part for part in parts if part.startswith("step ")), "")


def planted(run: Run, layers: tuple[int, ...] = (1, 2, 3)) -> Run:
    """`run` as a hand-written pass that forgot the ReLU mask in delta_k for `layers` would
    give: from those deltas down, the hand-written values differ from autograd's."""
    import dataclasses

    import torch

    from backprop.compare import compare

    steps, wrong_gradients = [], {}
    for step in run.steps:
        if step.phase == "backward" and step.layer in layers and step.tag != "grad_h":
            wrong = step.manual + torch.where(step.manual == 0, 1.0, 0.5 * step.manual)
            step = dataclasses.replace(step, manual=wrong,
                                       agreement=compare(step.symbol, wrong, step.autograd))
            if step.tag in ("grad_W", "grad_b"):
                wrong_gradients[f"{step.tag[-1]}{step.layer}"] = (wrong, step.autograd)
        steps.append(step)
    comparison = tuple(compare(a.name, *wrong_gradients[a.name]) if a.name in wrong_gradients
                       else a for a in run.comparison)
    return dataclasses.replace(run, steps=tuple(steps), comparison=comparison)
