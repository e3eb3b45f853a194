"""GradTUI: the Textual app. It opens StepScreen, which holds the keys and does the rest."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from textual.app import App
from textual.screen import Screen

from backprop.config import RunConfig
from tui.commands import StepCommands
from tui.screens.steps import StepScreen

if TYPE_CHECKING:
    from backprop.check.loader import Target


class GradTUI(App[None]):
    """A debugger for backpropagation: the hand-written pass, step by step, beside autograd."""

    # Read as package data, so an installed wheel finds it as a checkout does.
    CSS = resources.files("tui").joinpath("gradtui.tcss").read_text("utf-8")
    TITLE = "gradtui"
    COMMANDS = App.COMMANDS | {StepCommands}

    def __init__(self, config: RunConfig | None = None, out: str = "build",
                 signals: bool = False, script: str | None = None,
                 var: str = "loss", check: tuple[Target, float] | None = None) -> None:
        super().__init__()
        self.config = config or RunConfig()
        self.out = out
        self.signals = signals           # whether SIGINT, SIGTERM and SIGHUP end the app
        self.stopped_by: int | None = None
        self.script, self.var = script, var  # gradtui SCRIPT.py: step through its graph
        self.check = check   # gradtui --check: the student's file and function, the timeout
        self.failure: tuple[str, str | None] | None = None   # why the check could not run

    def on_load(self) -> None:
        """The loop runs: from now on a signal ends the app, and Textual restores the terminal."""
        if self.signals:
            from tui.signals import on_signals

            on_signals(self.stop_by_signal)

    def stop_by_signal(self, signum: int) -> None:
        """End the app for signal `signum`, with the shell's status for it (128 + signum)."""
        from tui.signals import exit_status

        self.stopped_by = signum
        self.exit(return_code=exit_status(signum))

    def get_default_screen(self) -> Screen:
        """The stepping screen, for the config, the script or the check asked for."""
        if self.script is not None:
            from tui.screens.script_graph import ScriptScreen

            return ScriptScreen(self.script, self.var)
        if self.check is not None:
            from tui.screens.check_steps import CheckStepScreen

            return CheckStepScreen(self.config, *self.check, out=self.out)
        return StepScreen(self.config, self.out)

    def on_ready(self) -> None:
        """The first frame is on screen: the slow part (importing torch) can start."""
        screen = self.screen_stack[0]
        if isinstance(screen, StepScreen):
            screen.after_first_frame()

    def action_command_palette(self) -> None:
        """Open the command palette (one whose page keys cannot crash the app)."""
        from tui.palette import Palette

        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The command palette, too, stays shut while the terminal is too small."""
        if action == "command_palette" and self.screen_stack:
            screen = self.screen_stack[0]
            return not (isinstance(screen, StepScreen) and screen.too_small)
        return True
