"""NumberDialog: ask for one whole number in a range (a new seed, a layer to jump to)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class NumberDialog(ModalScreen[int | None]):
    """A prompt, an input and a one-sentence error; Enter accepts, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, prompt: str, low: int, high: int, value: int | None = None) -> None:
        super().__init__()
        self.prompt, self.low, self.high, self.value = prompt, low, high, value

    def compose(self) -> ComposeResult:
        """The prompt, the input field and a line for errors."""
        with Vertical(id="dialog"):
            yield Label(self.prompt, id="dialog-prompt")
            yield Input("" if self.value is None else str(self.value), type="integer",
                        placeholder=f"{self.low}..{self.high}", id="dialog-input")
            yield Label("Enter: accept · Escape: cancel", id="dialog-error")

    @on(Input.Submitted)
    def accept(self, event: Input.Submitted) -> None:
        """Close with the number, or say in one sentence why it cannot be used."""
        text = event.value.strip()
        asked = f"Type a whole number from {self.low} to {self.high}"
        try:
            number = int(text)
        except ValueError:
            self._error(f"{asked}, not {text}." if text else f"{asked}.")
            return
        if not self.low <= number <= self.high:
            self._error(f"{number} is not between {self.low} and {self.high}.")
            return
        self.dismiss(number)

    def _error(self, message: str) -> None:
        label = self.query_one("#dialog-error", Label)
        label.update(message)
        label.add_class("-error")

    def action_cancel(self) -> None:
        """Close without a number."""
        self.dismiss(None)
