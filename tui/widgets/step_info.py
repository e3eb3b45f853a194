"""StepInfo: what the current step computes, its shape, and whether the two passes agree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.widget import Widget

if TYPE_CHECKING:
    from backprop.steps import Step


def verdict(step: Step) -> Content:
    """Bit for bit / agrees at N digits / max relative error, for this step's values."""
    a = step.agreement
    digits = f"{a.digits} significant digits"
    parts: list = []
    if a.bitwise:
        parts.append(("✓ bit-for-bit identical", "bold $success"))
    elif a.agree:
        parts.append((f"✓ agrees at {digits}", "bold $success"))
    else:
        total = max(1, len(step.manual.reshape(-1)))
        parts.append((f"✗ {a.differ} of {total} entries differ at {digits}", "bold $error"))
    if not a.bitwise:
        parts.append(f" · max rel error {a.max_rel_error:.2e}")
    elif a.agree:
        parts.append(f" · agrees at {digits}")
    if a.nonfinite:
        parts.append((f" · {a.nonfinite} entries are inf or nan", "bold $error"))
    return Content.assemble(*parts)


def node_text(nodes: Sequence[Any] | None) -> Content:
    """The autograd graph nodes computing the same quantity, as `[14] MmBackward0, layer 9`."""
    if nodes is None:
        return Content.styled("autograd graph: node records are not available", "dim")
    if not nodes:
        return Content.styled("autograd graph: no backward node computes this value", "dim")
    named = [f"[{n.number}] {n.label}" + (f", layer {n.layer}" if n.layer else "")
             for n in nodes]
    return Content.assemble(("autograd graph: ", "dim"), "; ".join(named))


def describe(step: Step, total: int, nodes: Sequence[Any] | None) -> Content:
    """The lines of StepInfo for `step` of `total`."""
    from backprop.compare import significant  # imports torch: only once a run exists

    where = "the loss" if step.layer is None else f"layer {step.layer}"
    shape = "×".join(str(n) for n in step.manual.shape) or "scalar"
    dtype = str(step.manual.dtype).removeprefix("torch.")
    lines = [
        Content.assemble((f"{step.symbol}", "bold"), f"  {step.title}",
                         (f"  · {step.phase} · {where} · step {step.index + 1}/{total}", "dim")),
        Content.assemble((step.text, "bold $accent"), (f"   shape {shape} {dtype}", "dim")),
        verdict(step),
        node_text(nodes),
    ]
    if step.manual.numel() == 1 and step.tag != "mask":
        digits = 17 if dtype == "float64" else 9
        lines.append(Content.assemble(
            ("value: ", "dim"), f"hand-written {significant(float(step.manual), digits)}",
            ("  · ", "dim"), f"autograd {significant(float(step.autograd), digits)}"))
    return Content("\n").join(lines)


class StepInfo(Widget):
    """The current step: symbol, title, equation, shape, agreement and graph nodes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content = Content("")

    def show(self, step: Step | None, total: int, nodes: Sequence[Any] | None) -> None:
        """Describe `step` (None before the run has been computed)."""
        self.content = Content("") if step is None else describe(step, total, nodes)
        self.refresh()   # the stylesheet gives it a fixed height: no new layout needed

    def render(self) -> Content:
        """The description of the current step."""
        return self.content
