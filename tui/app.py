"""GradTUI: the Textual app. It holds the keys every screen shares; StepScreen does the rest."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from backprop.config import RunConfig
from tui.screens.help import HelpScreen
from tui.screens.steps import StepScreen


class GradTUI(App[None]):
    """A debugger for backpropagation: the hand-written pass, step by step, beside autograd."""

    CSS_PATH = "gradtui.tcss"
    TITLE = "gradtui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help", tooltip="this help", id="gradtui.help"),
        Binding("q", "quit", "Quit", tooltip="quit", id="gradtui.quit"),
    ]

    def __init__(self, config: RunConfig | None = None, out: str = "build") -> None:
        super().__init__()
        self.config = config or RunConfig()
        self.out = out

    def get_default_screen(self) -> Screen:
        """The stepping screen, for the config given on the command line."""
        return StepScreen(self.config, self.out)

    def on_ready(self) -> None:
        """The first frame is on screen: the slow part (importing torch) can start."""
        screen = self.screen_stack[0]
        if isinstance(screen, StepScreen):
            screen.after_first_frame()

    def action_help(self) -> None:
        """Show every key, read from the bindings in force."""
        if not isinstance(self.screen, StepScreen):
            return   # not over a dialog, nor over the help itself
        bindings = [(self.get_key_display(active.binding), active.binding)
                    for active in self.screen.active_bindings.values()
                    if (active.binding.id or "").startswith("gradtui.")]
        self.push_screen(HelpScreen(bindings))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The built-in commands, and a jump to each layer of the run."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, StepScreen):
            return
        for layer in range(1, screen.config.layers + 1):
            for phase, symbol in (("forward", f"z_{layer}"), ("backward", f"delta_{layer}")):
                yield SystemCommand(f"Layer {layer}: {phase} ({symbol})", f"Go to {symbol}",
                                    lambda k=layer, p=phase: screen.go_to_layer(k, p))
