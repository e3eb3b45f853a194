"""SearchDialog: ask for a piece of a step's name (`z_3`, `delta`, `dW_1`, `mask`)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

MAX_QUERY = 40


class SearchDialog(ModalScreen[str | None]):
    """A prompt and an input; Enter searches, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="search.cancel")]

    def __init__(self, last: str = "") -> None:
        super().__init__()
        self.last = last
        self.closing = False   # a second Enter of the same burst must not close the screen

    def compose(self) -> ComposeResult:
        """The prompt, the field (holding the last search) and a line of help."""
        with Vertical(id="dialog"):
            yield Label("Search the steps (symbol or title):", id="dialog-prompt")
            yield Input(self.last, max_length=MAX_QUERY, placeholder="z_3, delta, dL/dW, mask",
                        id="dialog-input")
            yield Label("Enter: the next step that matches · Escape: cancel", id="dialog-error")

    @on(Input.Submitted)
    def accept(self, event: Input.Submitted) -> None:
        """Close with the text (an empty one cancels)."""
        self._close(event.value.strip() or None)

    def _close(self, text: str | None) -> None:
        if not self.closing and self.is_current:
            self.closing = True
            self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without a search."""
        self._close(None)
