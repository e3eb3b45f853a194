"""CheckResultScreen: the check of the student's pass, one key away (c): verdicts, sweep, diagnosis.

Every sentence and number is the Check's (backprop.check); this screen only lays them out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from backprop.config import RunConfig

if TYPE_CHECKING:
    from backprop.check.result import Check

DEFAULT_CSS = """
CheckResultScreen { align: center middle; }
#check-result {
    width: 94%; max-width: 110; height: 94%;
    padding: 0 2; border: thick $accent; background: $surface;
}
#check-result Static { height: auto; }
.check-heading { text-style: bold underline; margin-top: 1; }
.check-close { margin-top: 1; color: $text-muted; }
"""


def table_text(check: Check) -> Content:
    """The default run's tensors, output layer first: name, shape, agrees, entries that differ."""
    width = max(len(row.name) for row in check.rows)
    lines = [Content.styled(f"{'tensor':<{width}}  {'shape':<7} agree  differ  max rel err",
                            "bold")]
    for row in check.rows:
        shape = "×".join(map(str, row.agreement.shape))
        agree = ("yes", "$success") if row.agree else ("NO ", "bold $error")
        lines.append(Content.assemble(f"{row.name:<{width}}  {shape:<7} ", agree,
                                      f"  {row.differ:>6}  {row.agreement.max_rel_error:.1e}"))
    return Content("\n").join(lines)


def sweep_text(check: Check) -> Content:
    """The sweep in a sentence, then each config that differs and the gradients that do."""
    lines = [Content(check.sweep_sentence())]
    failing = [row for row in check.sweep if not row.agree]
    for row in failing:
        differ = ", ".join(row.differ[:6]) + (" …" if len(row.differ) > 6 else "")
        lines.append(Content.assemble(("✗ ", "bold $error"), row.config.describe(),
                                      (f"  differ: {differ}", "dim")))
    return Content("\n").join(lines)


class CheckResultScreen(ModalScreen[RunConfig | None]):
    """The whole check of the student's function, as gradreport check prints it; Enter
    returns the smallest failing config, to step through it."""

    DEFAULT_CSS = DEFAULT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,c", "close", "Close", id="check-result.close"),
        Binding("enter", "smallest", "Smallest failing", id="check-result.smallest")]

    def __init__(self, check: Check) -> None:
        super().__init__()
        self.check = check

    def compose(self) -> ComposeResult:
        """Verdict and first difference, the diagnosis, the sweep, then the table."""
        check = self.check
        with VerticalScroll(id="check-result"):
            yield Static(Content(f"{check.source} against autograd, "
                                 f"{check.config.describe()}"), classes="check-heading")
            first = [check.first[0].upper() + check.first[1:]] if check.first else []
            yield Static(Content("\n".join([check.verdict(), *first, *check.notes])),
                         id="check-verdict")
            yield Static("Diagnosis", classes="check-heading")
            yield Static(Content(check.diagnosis.sentence), id="check-diagnosis")
            yield Static("Sweep", classes="check-heading")
            yield Static(sweep_text(check), id="check-sweep")
            yield Static("Every tensor, output layer first", classes="check-heading")
            yield Static(table_text(check), id="check-table")
            smallest = ("" if check.smallest is None else
                        "Enter steps through the smallest failing config; ")
            yield Static(f"{smallest}Escape, q or c closes this.", classes="check-close")

    def action_close(self) -> None:
        """Back to the steps."""
        self.dismiss(None)

    def action_smallest(self) -> None:
        """Back to the steps, of the smallest config that fails (when one does)."""
        if self.check.smallest is not None:
            self.dismiss(self.check.smallest)
