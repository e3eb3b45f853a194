"""ScriptScreen: step through a script's backward, node by node, in the order it ran.

Each step shows the node's explanation and formula, the gradient it received and the ones
it sent (summaries, and the numbers as a grid when the tensor was kept whole), its saved
values, its check, and the script with the line that created the node highlighted.
Everything shown is read from backprop.graph's records; nothing is computed here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.widgets.code_view import CodeView

if TYPE_CHECKING:
    from backprop.graph import Graph, NodeRecord

GRID_ROWS, GRID_COLUMNS = 6, 8  # entries of a kept tensor shown; the summary covers the rest


def _b(keys: str, action: str, text: str, name: str, show: bool = True) -> Binding:
    return Binding(keys, action, text, show=show, id=f"gradtui.script.{name}")


class ScriptScreen(Screen[None]):
    """The nodes of SCRIPT.py's graph in execution order, one at a time."""

    BINDINGS: ClassVar[list[BindingType]] = [
        _b("n,right,down,space", "step(1)", "Next", "next"),
        _b("p,left,up", "step(-1)", "Prev", "previous"),
        _b("q", "app.quit", "Quit", "quit"),
        _b("home", "go(0)", "First", "first", show=False),
        _b("end", "go(-1)", "Last", "last", show=False),
    ]

    cursor: var[int] = var(0, init=False)

    def __init__(self, script: str, var_name: str = "loss") -> None:
        super().__init__()
        self.script, self.var_name = script, var_name
        self.graph: Graph | None = None
        self.order: list[NodeRecord] = []

    def compose(self) -> ComposeResult:
        """The node's text on the left, the script on the right."""
        with Horizontal(id="script-body"):
            with VerticalScroll(id="node-pane"):
                yield Static(f"running {self.script} …", id="node-title")
                yield Static("", id="node-text")
                yield Static("", id="node-received")
                yield Static("", id="node-sent")
                yield Static("", id="node-saved")
            yield CodeView(id="script-code")
        yield Footer()

    def on_mount(self) -> None:
        """Run the script and its hooked backward in a thread; the screen is up already."""
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        """Graph the script (imports torch and runs the user's code)."""
        from backprop.errors import UserError
        from backprop.graph import graph_of_script

        try:
            graph = graph_of_script(self.script, self.var_name, render=False)
        except UserError as err:
            self.app.call_from_thread(self.query_one("#node-title", Static).update, str(err))
            return
        self.app.call_from_thread(self.loaded, graph)

    def loaded(self, graph: Graph) -> None:
        """Keep the records in execution order and show the first node."""
        self.graph = graph
        self.order = sorted((n for n in graph.nodes if n.ran is not None), key=lambda n: n.ran)
        self.query_one(CodeView).set_source(Path(self.script).read_text(encoding="utf-8"), 1)
        self.show(0)

    def action_step(self, delta: int) -> None:
        """Next or previous node in execution order."""
        self.action_go(max(0, min(len(self.order) - 1, self.cursor + delta)))

    def action_go(self, index: int) -> None:
        """Node `index` in execution order (-1: the last)."""
        if self.order:
            self.show(index % len(self.order))

    def show(self, index: int) -> None:
        """Fill every pane for node `index` of the execution order."""
        self.cursor = index
        node, graph = self.order[index], self.graph
        self.query_one("#node-title", Static).update(title(node, len(self.order)))
        self.query_one("#node-text", Static).update(
            Content(f"{node.explanation}\n\nformula: {node.formula}"))
        received = node.values.received if node.values else ()
        sent = node.values.sent if node.values else ()
        self.query_one("#node-received", Static).update(Content("\n".join(
            tensor_text(f"received g{i}", s, graph.arrays.get(f"n{node.number}.received{i}"))
            for i, s in enumerate(received))))
        targets = list(node.inputs) + [None] * len(sent)
        self.query_one("#node-sent", Static).update(Content("\n".join(
            tensor_text(f"sent to #{targets[i]}" if targets[i] else f"sent {i}", s,
                        graph.arrays.get(f"n{node.number}.sent{i}"))
            for i, s in enumerate(sent) if s is not None)))
        saved = [f"{s.name} = {s.meaning} {s.shape}" for s in node.saved if s.shape is not None]
        self.query_one("#node-saved", Static).update(
            Content("saved: " + ("; ".join(saved) if saved else "nothing")))
        self.query_one(CodeView).show_line(node.source.line if node.source else None)


def title(node: NodeRecord, total: int) -> Content:
    """'#12 AddmmBackward0 · ran 7th of 93 · exact', a FAILED check in red."""
    from backprop.graph.measure import ordinal

    mark = node.verified + (f" {node.error:.1g}" if node.verified == "close" else "")
    style = "bold red" if node.verified == "FAILED" else "bold green" if mark == "exact" else ""
    where = f" · line {node.source.line}" if node.source else ""
    return Content.assemble((f"#{node.number} {node.label}", "bold"),
                            f" · ran {ordinal(node.ran)} of {total}{where} · ",
                            (mark, style), f"  {node.why}" if node.why else "")


def tensor_text(name: str, s: object, whole: object) -> str:
    """A gradient's summary line, then its first entries as a grid when it was kept whole."""
    if s is None:
        return f"{name}: none"
    stats = (f"min {s.min:.4g}  max {s.max:.4g}  norm {s.norm:.4g}"
             if s.min is not None else "no finite entry")
    bad = f"  {s.nans} nan  {s.infs} inf" if s.nans or s.infs else ""
    lines = [f"{name} {tuple(s.shape)} {s.dtype}: {stats}  zeros {s.zeros}{bad}"]
    if whole is not None:
        grid = whole.reshape(-1, whole.shape[-1]) if whole.dim() > 1 else whole.reshape(1, -1)
        for row in grid[:GRID_ROWS].tolist():
            cells = " ".join(f"{v:>10.4g}" for v in row[:GRID_COLUMNS])
            lines.append(f"  {cells}{' …' if len(row) > GRID_COLUMNS else ''}")
        if grid.shape[0] > GRID_ROWS:
            lines.append("  …")
    return "\n".join(lines)
