"""StepCommands: the command palette's gradtui entries — every key's action, every layer.

Textual's own provider sorts its entries by name ("Layer 10, 11, 1, …"); this one lists
the actions in the order of the keys, then the layers in numeric order.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.screens.keys import STEP_BINDINGS

if TYPE_CHECKING:
    from tui.screens.steps import StepScreen

# Actions the palette would only get in the way of (it is itself opened by a key).
NOT_IN_PALETTE = ("gradtui.unfocus", "gradtui.page-down", "gradtui.page-up", "gradtui.quit")


def commands(screen: StepScreen) -> list[tuple[str, str, Callable[[], object]]]:
    """(title, help, callback) of each action of the screen's keys, then of each layer."""
    found = []
    for binding in STEP_BINDINGS:
        if binding.id in NOT_IN_PALETTE:
            continue
        key = screen.app.get_key_display(binding)
        found.append((f"{binding.description}: {binding.tooltip}", f"key {key}",
                      partial(screen.run_action, binding.action)))
    for layer in range(1, screen.config.layers + 1):
        for phase, symbol in (("forward", f"z_{layer}"), ("backward", f"delta_{layer}")):
            found.append((f"Layer {layer}: {phase} ({symbol})", f"go to {symbol}",
                          partial(screen.go_to_layer, layer, phase)))
    return found


class StepCommands(Provider):
    """The stepping screen's actions and layers, for the command palette."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from tui.screens.steps import StepScreen

        screen = self.app.screen_stack[0] if self.app.screen_stack else None
        return commands(screen) if isinstance(screen, StepScreen) else []

    async def discover(self) -> Hits:
        """Every command, in order, before anything is typed."""
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands whose title matches `query`, best first."""
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
