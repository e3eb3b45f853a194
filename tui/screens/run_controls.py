"""RunControls: the keys that change the run (x, seed, init, dtype) or write it out.

A mixin of StepScreen: each action builds a new RunConfig from the one asked for, and
StepScreen's `config` watcher recomputes the run in a worker.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from backprop.config import DTYPES, INITS, MAX_SEED, RunConfig
from backprop.errors import UserError
from tui.widgets.status_line import config_text

if TYPE_CHECKING:
    from backprop.run import Run


class Exported(Message):
    """The export worker wrote the files, or failed with one sentence."""

    def __init__(self, title: str, text: str, error: bool) -> None:
        super().__init__()
        self.title, self.text, self.error = title, text, error


class RunControls:
    """Actions that replace the config, and the export of the run on screen."""

    config: RunConfig
    run: Run | None
    out: str
    _replacing: dict | None = None   # the config whose export may replace another run's

    def _change(self, **changes: int | str) -> None:
        """Ask for the config with `changes`; one that cannot be used is refused, and said so."""
        try:
            self.config = dataclasses.replace(self.config, **changes)
        except UserError as err:
            self.notify(str(err), title="The run was not changed", severity="error")

    def action_resample(self) -> None:
        """Draw a new x: the next draw for this seed; the parameters stay."""
        self._change(draw=self.config.draw + 1)

    def action_new_seed(self) -> None:
        """Ask for a seed, then recompute with it."""
        from tui.screens.number_dialog import NumberDialog

        def chosen(seed: int | None) -> None:
            if seed is not None:
                self._change(seed=seed)

        dialog = NumberDialog(f"New seed (0..{MAX_SEED}):", 0, MAX_SEED, self.config.seed)
        self.app.push_screen(dialog, chosen)

    def action_cycle_init(self) -> None:
        """Use the next init: randn, kaiming, xavier."""
        self._change(init=INITS[(INITS.index(self.config.init) + 1) % len(INITS)])

    def action_toggle_dtype(self) -> None:
        """Switch between float32 and float64."""
        self._change(dtype=DTYPES[(DTYPES.index(self.config.dtype) + 1) % len(DTYPES)])

    def action_export(self) -> None:
        """Write the two .dat files and run.json of the run on screen; files of another run
        in --out are replaced only when e is pressed a second time."""
        from backprop.files import config_written

        if self.run is None:
            self.notify("The run is still being computed; export once it is shown.")
            return
        written, mine = config_written(self.out), self.run.config.as_dict()
        if written is not None and written != mine and self._replacing != mine:
            self._replacing = mine
            other = " ".join(f"{k}={v}" for k, v in written.items())
            self.notify(f"{self.out} holds the files of another run ({other}). Press e again "
                        "to replace them, or start gradtui with another --out.",
                        title="Not exported", severity="warning")
            return
        self._replacing = None
        self.export(self.run)

    @work(thread=True, group="export")
    def export(self, run: Run) -> None:
        """Write the run's files with the very function `gradreport build` uses."""
        from backprop.record import write_run_files

        try:
            written = write_run_files(run, self.out)
        except UserError as err:
            self.post_message(Exported("Export failed", str(err), True))
            return
        text = "wrote " + ", ".join(str(path) for path in written.values())
        self.post_message(Exported(f"Exported {config_text(run.config)}", text, False))

    def on_exported(self, message: Exported) -> None:
        """Say where the files went, or why they could not be written."""
        self.notify(message.text, title=message.title,
                    severity="error" if message.error else "information")
