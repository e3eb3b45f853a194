"""CheckStepScreen: gradtui --check, the student's own pass stepped through beside autograd.

The same screen and widgets as StepScreen: the student's values are the hand-written side.
It starts on the first step that differs, shows their file in the code pane with the line
that computed the step (or says that none did), and `c` opens the check: the per-layer
verdict, the sweep and the diagnosis. Their code runs in the check's child process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from backprop.config import RunConfig
from tui.screens.keys import _b
from tui.screens.steps import StepScreen, _graph_nodes
from tui.widgets.status_line import StatusLine, config_text
from tui.widgets.step_info import StepInfo
from tui.widgets.values import ValuesView

if TYPE_CHECKING:
    from backprop.check.loader import Target
    from backprop.check.steps import CheckRun
    from backprop.inputs import Inputs
    from backprop.steps import Step


class CheckStepScreen(StepScreen):
    """The student's steps; `run` holds a CheckRun."""

    BINDINGS: ClassVar[list[BindingType]] = [
        _b("c", "check_result", "Check", "check",
           "the check: every tensor's verdict, the sweep and the diagnosis"),
    ]
    DEFAULT_CSS = """
    #check-where { height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap;
                   text-overflow: ellipsis; }
    """

    class Failed(Message):
        """The check could not be run for `config`: one sentence, maybe their traceback."""

        def __init__(self, config: RunConfig, sentence: str, traceback: str | None) -> None:
            super().__init__()
            self.config, self.sentence, self.traceback = config, sentence, traceback

    def __init__(self, config: RunConfig, target: Target, timeout: float,
                 out: str = "build") -> None:
        super().__init__(config, out)
        self.target, self.timeout = target, timeout
        self._placed = False   # whether the cursor has been put on the first differing step
        self.stopped: str | None = None   # why the sweep of the run shown did not finish

    def on_mount(self) -> None:
        """A line under the code pane's top says which of their lines computed the step."""
        self.query_one("#detail").mount(Static(id="check-where"), before="#code-pane")
        self.stage_text = (f"checking {self.target.path.name}, {config_text(self.config)}: "
                           "importing torch …")

    @work(thread=True, exclusive=True, group="compute")
    def compute(self, config: RunConfig) -> None:
        """Run the student's function in its child process and build their steps."""
        worker = get_current_worker()
        self.post_message(self.Stage(config, "importing torch"))
        from backprop.check.runner import Cancelled
        from backprop.check.session import check_run
        from backprop.errors import UserError

        def show(run: CheckRun) -> None:
            if not worker.is_cancelled:
                self.post_message(self.Computed(run, _graph_nodes(run), (run.source, 1)))

        try:   # their steps are shown once the first config is done; the sweep follows
            run = check_run(self.target, config, self.timeout,
                            stage=lambda name: self.post_message(self.Stage(config, name)),
                            cancelled=lambda: worker.is_cancelled, steps_first=show)
        except Cancelled:   # a newer config, or the app closing: the child is gone
            return
        except UserError as err:
            self.post_message(self.Failed(config, str(err), getattr(err, "traceback", None)))
            return
        show(run)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.config != self.config:
            return
        if self.run is None:   # nothing to show: end as gradreport check does
            self.app.failure = (message.sentence, message.traceback)
            self.app.exit(return_code=2)
            return
        if self.run.config == message.config and self.run.check is None:
            self.stopped = message.sentence   # the steps are shown; the sweep broke off
        self.notify(message.sentence, title="Your function could not be checked",
                    severity="error", timeout=15)
        self.set_reactive(StepScreen.config, self.run.config)
        self.stage_text = ""

    def watch_run(self, run: CheckRun | None) -> None:
        """Their steps arrived; the first time, go to the first that differs."""
        if run is not None and run.check is None:
            self.stopped = None   # a new check's first steps: its sweep is on its way
        if run is not None and not self._placed:
            self._placed = True
            self.set_reactive(StepScreen.cursor, run.first or 0)
        super().watch_run(run)

    def _show_step(self) -> None:
        super()._show_step()
        if self.run is not None and self.query("#check-where"):
            step = self.run.steps[self.cursor]
            style = "" if step.line is not None else "bold $warning"
            self.query_one("#check-where", Static).update(Content.styled(step.where, style))

    def _show_info(self) -> None:
        if self.run is not None:   # no finite differences: the student's pass is not ours
            step = self.run.steps[self.cursor]
            self.query_one(StepInfo).show(step, len(self.run.steps),
                                          self.nodes.get(step.index, ()), None,
                                          self.run.config.layers, fd_coming=False)

    def _show_values(self) -> None:
        if self.run is not None:   # their inputs are theirs: only the values they returned
            step = self.run.steps[self.cursor]
            values = self.query_one(ValuesView)
            values.show(step, self.view, self.log_scale, ())
            if values.has_focus:
                self.show_entry()

    def entry_inputs(self, step: Step) -> Inputs:
        """The cell cursor's formula reads autograd's tensors: what their value should be."""
        from backprop.inputs import trace_inputs

        return trace_inputs(self.run.autograd, self.run.problem, step)

    def _show_status(self) -> None:
        line = self.query_one(StatusLine)
        if self.run is None:
            line.show(None, self.cursor, self.config, self.stage_text)
            return
        line.parts = [[check_status(self.run, self.cursor, self.config, self.stopped)]]
        line.refresh()

    def action_check_result(self) -> None:
        """Show the check: the verdict of every tensor, the sweep and the diagnosis."""
        if self.stopped is not None:
            self.notify(self.stopped, title="The sweep did not finish", severity="error")
            return
        if self.run is None or self.run.check is None:
            self.notify("The sweep is still running; c shows the check once it is done.")
            return
        from tui.screens.check_result import CheckResultScreen

        def chosen(config: RunConfig | None) -> None:
            if config is not None and config != self.config:
                self._placed = False   # its run, too, opens on its first differing step
                self.config = config

        self.app.push_screen(CheckResultScreen(self.run.check), chosen)

    def action_export(self) -> None:
        """The files of a check are gradreport check's to write."""
        self.notify(f"gradreport check {self.target.spec} --out DIR writes my_autograd.dat, "
                    "torch_autograd.dat and check.json for this check.", timeout=10)


def check_status(run: CheckRun, cursor: int, pending: RunConfig,
                 stopped: str | None = None) -> Content:
    """The status line: the verdict first (it must never be cut), the step, the config."""
    check = run.check
    good = run.first is None and (check is None or check.agree)
    verdict = (f"differs from step {run.first + 1}" if run.first is not None else
               f"all {len(run.steps)} steps agree" if check is None else
               "your pass agrees with autograd, sweep too" if good else
               f"the sweep: {check.passed} of {len(check.sweep)} agree")
    parts: list = [(verdict, "$success" if good else "bold $error"), " │ ",
                   (f"step {cursor + 1}/{len(run.steps)}", "bold"), " │ ",
                   f"{run.name} │ {config_text(run.config)}"]
    if pending != run.config:
        parts.append((f" │ checking {config_text(pending)} …", "bold $warning"))
    elif check is None:
        parts.append((" │ the sweep stopped: c says why" if stopped else
                      " │ the sweep is running …", "bold $warning"))
    else:
        parts.append(("  c: diagnosis and sweep", "dim"))
    return Content.assemble(*parts)
