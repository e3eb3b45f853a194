"""HelpScreen: every key and what it does, read from the bindings themselves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.agreement import MARKS

ABOUT = (
    "gradtui steps through the hand-written forward and backward pass of a ReLU network, "
    "one quantity at a time, next to the value torch.autograd computed for the same "
    "quantity. The highlighted code line is the line that computed it.")

LEGEND = (
    "Cells: red > 0, blue < 0, grey = 0; the stronger the colour, the larger |value| "
    "(l: on a log scale of |value|); magenta = inf or nan. Masks: green = on (z > 0), "
    f"dark = off. In the step list, {MARKS['differ'][0]} means the passes differ at 5 "
    f"significant digits, and {MARKS['not comparable'][0]} that they cannot be compared: "
    "the values hold inf or nan, which have no digits to compare, even where both passes "
    "hold the same.")


CURSOR_HELP = (
    "the cell cursor: tab gives the grid the arrow keys (or click a cell); the step info then "
    "shows the entry, every digit of both passes, and its formula with this run's numbers")


def key_rows(bindings: Sequence[tuple[str, Binding]]) -> list[tuple[str, str]]:
    """(keys, what they do) per action, in binding order; keys of one action joined."""
    keys: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for display, binding in bindings:
        keys.setdefault(binding.action, []).append(display)
        texts.setdefault(binding.action, binding.tooltip or binding.description)
    rows = [(", ".join(keys[action]), texts[action]) for action in keys]
    return [*rows, ("tab, arrows, click", CURSOR_HELP),
            ("ctrl+p", "command palette: every action, any layer, the theme")]


class HelpScreen(ModalScreen[None]):
    """The keys, the colour legend and what the app shows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "close", "Close", id="help.close")]

    def __init__(self, bindings: Sequence[tuple[str, Binding]]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        """The keys in two columns, then the colour legend, in a scrollable box."""
        with VerticalScroll(id="help"):
            yield Static("Keys", classes="help-heading")
            with Grid(id="help-keys"):
                for keys, text in key_rows(self.bindings):
                    yield Static(keys, classes="help-key")
                    yield Static(text, classes="help-text")
            yield Static("Colours", classes="help-heading")
            yield Static(LEGEND)
            yield Static(ABOUT, classes="help-about")
            yield Static("Escape, q, F1 or ? closes this help.", classes="help-close")

    def action_close(self) -> None:
        """Back to the steps."""
        self.dismiss(None)
