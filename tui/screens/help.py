"""HelpScreen: every key and what it does, read from the bindings themselves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

ABOUT = (
    "gradtui steps through the hand-written forward and backward pass of a ReLU network, "
    "one quantity at a time, next to the value torch.autograd computed for the same "
    "quantity. The highlighted code line is the line that computed it.")

LEGEND = (
    "Cells: red > 0, blue < 0, grey = 0, stronger = larger |value| (l: log scale of "
    "|value|); magenta = inf or nan. Masks: green = on (z > 0), dark = off. "
    "✗ in the step list: the passes differ at 5 significant digits.")


def help_text(bindings: Sequence[tuple[str, Binding]]) -> Content:
    """One line per binding: the keys, then what they do; the same action once."""
    rows: dict[str, list[str]] = {}
    descriptions: dict[str, str] = {}
    for keys, binding in bindings:
        rows.setdefault(binding.action, []).append(keys)
        descriptions.setdefault(binding.action, binding.tooltip or binding.description)
    width = max((len(", ".join(keys)) for keys in rows.values()), default=0)
    lines = [Content.styled("Keys", "bold underline")]
    for action, keys in rows.items():
        lines.append(Content.assemble((", ".join(keys).ljust(width + 2), "bold $accent"),
                                      descriptions[action]))
    lines += [Content(""), Content.styled("Colours", "bold underline"), Content(LEGEND),
              Content(""), Content(ABOUT), Content(""),
              Content.styled("Escape, q, F1 or ? closes this help.", "dim")]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """The keys, the colour legend and what the app shows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "close", "Close", id="help.close")]

    def __init__(self, bindings: Sequence[tuple[str, Binding]]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        """The help text in a scrollable box."""
        with VerticalScroll(id="help"):
            yield Static(help_text(self.bindings), id="help-text")

    def action_close(self) -> None:
        """Back to the steps."""
        self.dismiss(None)
