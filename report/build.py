"""`gradreport build`'s report: report.html always, report.pdf with --pdf.

The renderer (Jinja2, ziamath, Pygments, WeasyPrint) never needs torch, and torch never
needs it: `start_report` begins importing and warming it up in a second process while
this one imports torch and computes the run (see report.worker), then `finish` collects
the finished run into a Report and hands it over. Where no second process can be forked
the same steps run here, one after another.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from backprop.config import RunConfig
from report.output import Stage, prepare, write_report
from report.worker import Worker, can_fork

if TYPE_CHECKING:  # torch: not before the worker has been forked
    from backprop.graph import Graph
    from backprop.notes import AssignmentNotes
    from backprop.run import Run


class ReportJob:
    """A report being made: started before the run exists, finished once it does."""

    def __init__(self, config: RunConfig, folder: Path, pdf: bool) -> None:
        """Start the worker now, if one can be forked; else the work waits for finish()."""
        self.config, self.folder, self.pdf = config, folder, pdf
        self.worker = Worker(config, folder, pdf) if can_fork() else None

    def finish(self, run: Run, graph: Graph, notes: AssignmentNotes,
               stage: Stage) -> dict[str, Path]:
        """Collect the Report of `run` (its drawn graph, the notes' numbers), render it."""
        from report.collect import collect  # imports torch: the worker is forked by now

        report = collect(run, graph, notes, self.folder)
        if self.worker is not None:
            return self.worker.render(report, stage)
        prepare(self.config, self.pdf)
        return write_report(report, self.folder, self.pdf, stage)

    def close(self) -> None:
        """Stop the worker if it is still running (after an error, say)."""
        if self.worker is not None:
            self.worker.close()


def start_report(config: RunConfig, folder: Path, pdf: bool) -> ReportJob:
    """Begin the report of `config` in `folder`; call before torch is imported."""
    return ReportJob(config, folder, pdf)
