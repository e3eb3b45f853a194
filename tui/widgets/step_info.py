"""StepInfo: what the current step computes, its shape, and whether the two passes agree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from tui.agreement import MARKS, state
from tui.widgets.fd_line import fd_line

if TYPE_CHECKING:
    from backprop.fd import FiniteDifferences
    from backprop.graph import NodeRecord
    from backprop.steps import Step


def verdict(step: Step) -> Content:
    """Bit for bit? Agrees at N significant digits, differs, or not comparable (inf/nan)?
    The largest relative error, over the entries finite in both."""
    a = step.agreement
    total = max(1, step.manual.numel())
    parts: list = [("✓ bit-for-bit identical", "bold $success") if a.bitwise
                   else ("≠ not bit-for-bit identical", "bold $warning"), " · "]
    found = state(a)
    mark, style = MARKS[found]
    if found == "agree":
        parts.append((f"✓ agrees at {a.digits} sig. digits", "bold $success"))
    elif found == "differ":
        parts.append((f"{mark} {a.differ} of {total} differ at {a.digits} sig. digits", style))
    else:
        parts.append((f"{mark} not comparable: {a.nonfinite} of {total} inf or nan", style))
    if a.nonfinite < total:
        error = "0" if a.max_rel_error == 0 else f"{a.max_rel_error:.1e}"
        over = f" on {total - a.nonfinite} finite" if a.nonfinite else ""
        parts.append(f" · max rel error {error}{over}")
    if found == "differ" and a.nonfinite:
        parts.append((f" · {a.nonfinite} of {total} inf or nan", style))
    return Content.assemble(*parts)


def node_text(nodes: Sequence[NodeRecord]) -> Content:
    """The autograd graph boxes computing the same quantity: `[6] MmBackward0, layer 11`."""
    if not nodes:
        return Content.styled("autograd graph: no box computes this value", "dim")
    named = []
    for node in nodes:
        label = f"saved {node.label}" if node.kind == "saved" else node.label
        where = f", layer {node.layer}" if node.layer is not None else ""
        named.append(f"[{node.number}] {label}{where}")
    return Content.assemble(("autograd graph: ", "dim"), "; ".join(named))


def layer_text(step: Step, layers: int | None) -> str:
    """Where the step sits: ` · layer 3`; the output layer and a gradient flowing down from
    one layer to the one below are named as such."""
    k = step.layer
    if k is None:
        return ""
    if step.tag == "grad_h":
        return f" · from layer {k} down to layer {k - 1}"
    return f" · layer {k}{' (the output layer)' if k == layers else ''}"


def describe(step: Step, total: int, nodes: Sequence[NodeRecord],
             fd: FiniteDifferences | None = None, layers: int | None = None) -> Content:
    """The text of StepInfo for `step` of `total` in a network of `layers` layers; `fd` is
    None while being computed."""
    return Content("\n").join(describe_lines(step, total, nodes, fd, layers))


# A student's pass is checked against autograd (and swept over configs with c); finite
# differences check ours, so under --check none are coming.
NO_FD = Content.styled("finite differences: not used for your pass (autograd is the "
                       "reference; c shows the sweep)", "dim")


def describe_lines(step: Step, total: int, nodes: Sequence[NodeRecord],
                   fd: FiniteDifferences | None = None,
                   layers: int | None = None, fd_coming: bool = True) -> list[Content]:
    """The five lines of `describe`: title, equation, verdict, finite differences, nodes."""
    where = layer_text(step, layers)
    shape = "×".join(str(n) for n in step.manual.shape) or "scalar"
    dtype = str(step.manual.dtype).removeprefix("torch.")
    lines = [
        Content.assemble((f"{step.symbol}", "bold"), f"  {step.title}",
                         (f"  · {step.phase}{where} · step {step.index + 1}/{total}", "dim")),
        Content.assemble((step.text, "bold $accent"), (f"   shape {shape} {dtype}", "dim")),
        verdict(step),
        fd_line(fd, step) if fd is not None or fd_coming else NO_FD,
        node_text(nodes),
    ]
    return lines


class StepInfo(Widget):
    """The current step: symbol, title, equation, shape, agreement and graph nodes; with the
    cell cursor on, the entry under it in place of the step's equation."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content = Content("")
        self._lines: list[Content] = []
        self._entry: list[Content] | None = None
        self._height: int | None = None

    def show(self, step: Step | None, total: int, nodes: Sequence[NodeRecord],
             fd: FiniteDifferences | None = None, layers: int | None = None,
             fd_coming: bool = True) -> None:
        """Describe `step` (None before the run has been computed); `fd` None is a check
        still being computed, unless `fd_coming` is False: then none will come."""
        self._lines = [] if step is None else describe_lines(step, total, nodes, fd, layers,
                                                             fd_coming)
        self._update()

    def show_entry(self, lines: list[Content] | None) -> None:
        """Show the entry under the cell cursor (its lines), or the step's equation (None)."""
        height = None if lines is None else len(lines) + 5   # 4 lines of the step, a border
        if height != self._height:   # a layout only when the cursor is shown or hidden
            self._height = height
            self.styles.height = height   # None: the stylesheet's height again
        self._entry = lines
        self._update()

    def _update(self) -> None:
        lines = self._lines
        if self._entry is not None and lines:
            lines = [lines[0], *self._entry, *lines[2:]]
        self.content = Content("\n").join(lines)
        self.refresh()   # the height changes only with the cursor shown or hidden: no layout

    def render(self) -> Content:
        """The description of the current step."""
        return self.content
