"""Palette: Textual's command palette, with its page keys made safe.

Textual 8.2.8's command list looks the highlighted command up in a table of its lines
that is only filled once the list is laid out: PageUp or PageDown pressed in that gap
(ctrl+p, a letter and PageDown typed as one burst) raised KeyError and ended the app.
"""

from __future__ import annotations

from textual.command import CommandList, CommandPalette

PAGE_ACTIONS = ("page_up", "page_down")


def can_page(commands: CommandList) -> bool:
    """Whether the list has laid out the line of its highlighted command."""
    return (commands.highlighted or 0) in commands._index_to_line


class Palette(CommandPalette):
    """The command palette; a page key before the list is laid out does nothing."""

    def _action_command_list(self, action: str) -> None:
        if action in PAGE_ACTIONS and not can_page(self.query_one(CommandList)):
            return
        super()._action_command_list(action)
