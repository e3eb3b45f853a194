"""GradTUI: the Textual app. It opens StepScreen, which holds the keys and does the rest."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.screen import Screen

from backprop.config import RunConfig
from tui.screens.steps import StepScreen

if TYPE_CHECKING:
    from backprop.check.loader import Target


class GradTUI(App[None]):
    """A debugger for backpropagation: the hand-written pass, step by step, beside autograd."""

    # Read as package data, so an installed wheel finds it as a checkout does.
    CSS = resources.files("tui").joinpath("gradtui.tcss").read_text("utf-8")
    TITLE = "gradtui"

    def __init__(self, config: RunConfig | None = None, out: str = "build",
                 check: tuple[Target, float] | None = None) -> None:
        super().__init__()
        self.config = config or RunConfig()
        self.out = out
        self.check = check   # gradtui --check: the student's file and function, the timeout
        self.failure: tuple[str, str | None] | None = None   # why the check could not run

    def get_default_screen(self) -> Screen:
        """The stepping screen, for the config given on the command line."""
        if self.check is not None:
            from tui.screens.check_steps import CheckStepScreen

            return CheckStepScreen(self.config, *self.check, out=self.out)
        return StepScreen(self.config, self.out)

    def on_ready(self) -> None:
        """The first frame is on screen: the slow part (importing torch) can start."""
        screen = self.screen_stack[0]
        if isinstance(screen, StepScreen):
            screen.after_first_frame()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The command palette, too, stays shut while the terminal is too small."""
        if action == "command_palette" and self.screen_stack:
            screen = self.screen_stack[0]
            return not (isinstance(screen, StepScreen) and screen.too_small)
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The built-in commands, and a jump to each layer of the run."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, StepScreen):
            return
        for layer in range(1, screen.config.layers + 1):
            for phase, symbol in (("forward", f"z_{layer}"), ("backward", f"delta_{layer}")):
                yield SystemCommand(f"Layer {layer}: {phase} ({symbol})", f"Go to {symbol}",
                                    lambda k=layer, p=phase: screen.go_to_layer(k, p))
