"""Banner: the run's diagnostics (a dead output ReLU, an overflow) where no one can miss them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from backprop.diagnostics import Diagnostic

TITLES = {"dead-output": "DEAD OUTPUT", "overflow": "OVERFLOW", "dead-layer": "DEAD LAYER"}


class Banner(Static):
    """One line per diagnostic; red when the gradients prove nothing, amber otherwise."""

    def show(self, diagnostics: Sequence[Diagnostic]) -> None:
        """Show these diagnostics, or hide the banner when there are none."""
        severe = any(d.severe for d in diagnostics)
        self.set_class(bool(diagnostics), "-shown")
        self.set_class(severe, "-severe")
        lines = [Content.assemble((f"⚠ {TITLES.get(d.kind, d.kind.upper())}: ", "bold"),
                                  d.message) for d in diagnostics]
        self.update(Content("\n").join(lines))
