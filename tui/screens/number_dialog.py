"""NumberDialog: ask for one whole number in a range (a new seed, a layer to jump to)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label

# Textual's type="integer" filter backtracks exponentially on a run of digits (30 digits
# froze the app for minutes): this pattern is matched in linear time, and the length is capped.
DIGITS = r"[0-9]*"


class DigitsInput(Input):
    """An input that takes digits only, and says so when another key is refused."""

    class Refused(Message):
        """A key was not taken: not a digit, or one digit too many."""

    def restricted(self) -> None:
        """Tell the dialog instead of ringing the bell."""
        self.post_message(self.Refused())


class NumberDialog(ModalScreen[int | None]):
    """A prompt, an input and a one-sentence error; Enter accepts, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, prompt: str, low: int, high: int, value: int | None = None) -> None:
        super().__init__()
        self.prompt, self.low, self.high, self.value = prompt, low, high, value
        self.closing = False   # keys typed in a burst can submit again before it is gone

    def compose(self) -> ComposeResult:
        """The prompt, the input field and a line for errors."""
        with Vertical(id="dialog"):
            yield Label(self.prompt, id="dialog-prompt")
            yield DigitsInput("" if self.value is None else str(self.value), restrict=DIGITS,
                        max_length=len(str(self.high)), placeholder=f"{self.low}..{self.high}",
                        id="dialog-input")
            yield Label("Enter: accept · Escape: cancel", id="dialog-error")

    @on(Input.Submitted)
    def accept(self, event: Input.Submitted) -> None:
        """Close with the number, or say in one sentence why it cannot be used."""
        text = event.value.strip()
        asked = f"Type a whole number from {self.low} to {self.high}"
        if not text.isdigit() or not text.isascii():
            self._error(f"{asked}, not {text}." if text else f"{asked}.")
            return
        number = int(text)
        if not self.low <= number <= self.high:
            self._error(f"{number} is not between {self.low} and {self.high}.")
            return
        self._close(number)

    @on(DigitsInput.Refused)
    def refused(self) -> None:
        """Say what the field takes."""
        self._error(f"Only the digits 0-9 can be typed here, at most {len(str(self.high))} "
                    "of them.")

    def _error(self, message: str) -> None:
        label = self.query_one("#dialog-error", Label)
        label.update(message)
        label.add_class("-error")

    def _close(self, number: int | None) -> None:
        """Dismiss once; a second Enter or Escape already queued does nothing."""
        if not self.closing and self.is_current:
            self.closing = True
            self.dismiss(number)

    def action_cancel(self) -> None:
        """Close without a number."""
        self._close(None)
