"""StepScreen: the debugger view. It holds the state; the widgets draw the current step."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, ScrollableContainer, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from backprop.config import RunConfig
from tui.screens.keys import STEP_BINDINGS
from tui.screens.navigation import Navigation
from tui.screens.run_controls import RunControls
from tui.screens.values_keys import ValuesKeys
from tui.widgets.banner import Banner
from tui.widgets.code_view import CodeView
from tui.widgets.status_line import StatusLine, change_text, config_text
from tui.widgets.step_info import StepInfo
from tui.widgets.step_list import StepList
from tui.widgets.step_strip import StepStrip
from tui.widgets.values import ValuesView

if TYPE_CHECKING:
    from backprop.graph import NodeRecord
    from backprop.run import Run

MIN_WIDTH, MIN_HEIGHT = 60, 20   # below this the layout cannot show a step; it says so
WIDE = 100                       # the step list stands beside the step from here on, and
                                 # above it (as a one-line strip) below
SIDE_BY_SIDE = 150               # from here on the two passes' grids stand side by side
FRAME = 0.05                     # seconds: more than a frame at Textual's 60 frames a second


class StepScreen(Navigation, RunControls, ValuesKeys, Screen[None]):
    """One step at a time: the step list, the values, the code line, the status."""

    BINDINGS: ClassVar[list[BindingType]] = list(STEP_BINDINGS)
    AUTO_FOCUS = ""   # nothing: the arrow keys step until tab gives a pane the focus
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (WIDE, "-wide")]

    # State as vars: reactives whose watchers update the widgets that show them, without
    # the repaint of the whole screen a plain reactive would ask for on every step.
    config: var[RunConfig] = var(RunConfig, init=False)   # the config asked for
    run: var[Run | None] = var(None, always_update=True, init=False)
    cursor: var[int] = var(0, init=False)
    view: var[int] = var(0, init=False)                   # index into VIEWS
    log_scale: var[bool] = var(False, init=False)
    stage_text: var[str] = var("starting …", init=False)
    too_small: var[bool] = var(False, init=False)         # the terminal cannot hold a step

    class Stage(Message):
        """The worker began a stage of computing `config`."""

        def __init__(self, config: RunConfig, name: str) -> None:
            super().__init__()
            self.config, self.name = config, name

    class Computed(Message):
        """The worker finished a run; `nodes` maps a step index to its graph boxes."""

        def __init__(self, run: Run, nodes: dict[int, tuple[NodeRecord, ...]],
                     source: tuple[str, int]) -> None:
            super().__init__()
            self.run, self.nodes, self.source = run, nodes, source

    class Checked(Message):
        """The worker added the finite differences to a run already shown."""

        def __init__(self, run: Run) -> None:
            super().__init__()
            self.run = run

    def __init__(self, config: RunConfig, out: str = "build") -> None:
        super().__init__()
        self.set_reactive(StepScreen.config, config)
        self.out = out
        self.nodes: dict[int, tuple[NodeRecord, ...]] = {}
        self._started = False   # whether a computation has been started

    def compose(self) -> ComposeResult:
        """Banner, step list beside (or above) the step's info, values and code, status."""
        with VerticalScroll(id="banner-pane", can_focus=False):
            yield Banner(id="banner")
        yield Static(id="too-small")
        yield Static(id="loading")
        with Horizontal(id="body"):
            with ScrollableContainer(id="steps-pane", can_focus=False):
                yield StepList(id="steps")
            with Vertical(id="detail"):
                yield StepStrip(id="strip")
                yield StepInfo(id="info")
                with ScrollableContainer(id="values-pane", can_focus=False):
                    yield ValuesView(id="values")
                with ScrollableContainer(id="code-pane"):
                    yield CodeView(id="code")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Show that the run is on its way; `begin` starts it once the frame is drawn."""
        self.add_class("-loading")
        self.stage_text = f"computing {config_text(self.config)}: importing torch …"

    def after_first_frame(self, tries: int = 50) -> None:
        """Begin once the footer's keys are drawn too (Textual fills it in a frame later).

        Importing torch in a thread holds the GIL most of the time: started earlier, it
        would hold back the frames that complete the first screen.
        """
        if self.query_one(Footer).children or tries <= 0:
            self.set_timer(FRAME, self.begin)   # a frame for the footer to be written
        else:
            self.set_timer(FRAME / 2, lambda: self.after_first_frame(tries - 1))

    def begin(self) -> None:
        """Start computing the first run (the app calls this after its first frame)."""
        if not self._started:   # a key that changed the config may have started one
            self._started = True
            self.compute(self.config)

    # --- the run, computed in a thread so the screen stays live -------------------------

    @work(thread=True, exclusive=True, group="compute")
    def compute(self, config: RunConfig) -> None:
        """Import torch if needed and compute the run for `config`: the two passes first,
        shown at once, then the finite differences (most of the time) in the background."""
        worker = get_current_worker()
        self.post_message(self.Stage(config, "importing torch"))
        from backprop.run import compute_run, with_finite_differences
        from backprop.steps import manual_source

        run = compute_run(config, fd=False,
                          stage=lambda name: self.post_message(self.Stage(config, name)))
        if worker.is_cancelled:
            return
        self.post_message(self.Computed(run, _graph_nodes(run), manual_source()))
        checked = with_finite_differences(run)
        if not worker.is_cancelled:
            self.post_message(self.Checked(checked))

    @on(Stage)
    def _stage(self, message: Stage) -> None:
        if message.config == self.config:
            self.stage_text = f"computing {config_text(message.config)}: {message.name} …"

    @on(Computed)
    def _computed(self, message: Computed) -> None:
        if message.run.config != self.config:
            return   # a newer config was asked for meanwhile; its run is on the way
        code = self.query_one(CodeView)
        if code.source is None:
            code.set_source(*message.source)
        self.nodes = message.nodes
        self.run = message.run

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        shown = self.run
        if shown is not None and message.run.config == shown.config == self.config:
            self.set_reactive(StepScreen.run, message.run)   # the same steps: no redraw
            self._show_info()

    def watch_config(self) -> None:
        """A new config was asked for: compute its run."""
        self._started = True
        self.compute(self.config)
        self._show_status()

    def watch_run(self, run: Run | None) -> None:
        """A run arrived: show its steps and diagnostics, at the same step."""
        if run is None:
            return
        self.remove_class("-loading")
        self.query_one(StepList).show_steps(run.steps)
        self.query_one(StepStrip).show_steps(run.steps)
        self.query_one(Banner).show(run.diagnostics)
        self.set_reactive(StepScreen.cursor, min(self.cursor, len(run.steps) - 1))
        self._show_step()

    def watch_stage_text(self) -> None:
        """Say what is being computed."""
        self.query_one("#loading", Static).update(self.stage_text)
        self._show_status()

    def watch_cursor(self) -> None:
        """Show the step the cursor moved to."""
        self._show_step()

    def watch_view(self) -> None:
        """Show the grid chosen with v."""
        self._show_values()

    def watch_log_scale(self) -> None:
        """Redraw the colours on the other scale."""
        self._show_values()

    def _show_step(self) -> None:
        if self.run is None:
            return
        step = self.run.steps[self.cursor]
        self.query_one(StepList).highlight(self.cursor)
        self.query_one(StepStrip).highlight(self.cursor)
        self._show_info()
        self.query_one(CodeView).show_line(step.line)
        self._show_values()
        self._show_status()

    def _show_info(self) -> None:
        if self.run is not None:
            step = self.run.steps[self.cursor]
            self.query_one(StepInfo).show(step, len(self.run.steps),
                                          self.nodes.get(step.index, ()), self.run.fd,
                                          self.run.config.layers)

    def _show_values(self) -> None:
        if self.run is not None:
            from backprop.inputs import step_inputs

            step = self.run.steps[self.cursor]
            values = self.query_one(ValuesView)
            values.show(step, self.view, self.log_scale, step_inputs(self.run, step))
            if values.has_focus:
                self.show_entry()

    def _show_status(self) -> None:
        self.query_one(StatusLine).show(self.run, self.cursor, self.config, self.stage_text)
        stale = self.run is not None and self.run.config != self.config
        self.set_class(stale, "-stale")
        values = self.query_one(ValuesView)
        marker = f"computing {change_text(self.run.config, self.config)} …" if stale else ""
        if marker != values.stale:
            values.stale = marker
            self._show_values()

    def on_resize(self, event: events.Resize) -> None:
        """Say so instead of drawing a broken layout when the terminal is too small."""
        width, height = event.size
        self.too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        # Below WIDE the footer drops its padding, so that every key it shows still fits.
        self.query_one(Footer).compact = width < WIDE
        values = self.query_one(ValuesView)
        values.pair = width >= SIDE_BY_SIDE
        values.refresh(layout=True)   # the grids are fitted to the pane
        # The list was hidden while narrow: once it is laid out again, show the current row,
        # and the code line in its pane of a new height.
        self.call_after_refresh(self.query_one(StepList).keep_in_view)
        self.call_after_refresh(self.query_one(CodeView).keep_in_view)
        self.query_one("#too-small", Static).update(
            f"The terminal is {width}×{height}; gradtui needs at least "
            f"{MIN_WIDTH}×{MIN_HEIGHT}. Enlarge it, or press q to quit.")

    def watch_too_small(self, too_small: bool) -> None:
        """Hide the layout behind the message; keys and dialogs are refused meanwhile, and
        one already open (help, a dialog, the palette) closes: it would be cut off."""
        self.set_class(too_small, "-too-small")
        self.refresh_bindings()
        if too_small and self in self.app.screen_stack:
            while self.app.screen is not self:
                self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No key acts, and no dialog opens, while the terminal is too small (q still quits:
        it is the app's action)."""
        return not self.too_small

    def action_help(self) -> None:
        """Show every key, read from the bindings in force."""
        from tui.screens.help import HelpScreen

        bindings = [(self.app.get_key_display(active.binding), active.binding)
                    for active in self.active_bindings.values()
                    if (active.binding.id or "").startswith("gradtui.")]
        self.app.push_screen(HelpScreen(bindings))

    @on(StepList.Chosen)
    def _chosen(self, message: StepList.Chosen) -> None:
        self.cursor = message.index


def _graph_nodes(run: Run) -> dict[int, tuple[NodeRecord, ...]]:
    """The numbered autograd graph boxes computing each step's quantity, by step index."""
    from backprop.graph import nodes_for_step

    return {step.index: nodes_for_step(run.records, step) for step in run.steps}
