"""`gradreport build`'s report: report.html always, report.pdf with --pdf.

The renderer (Jinja2, ziamath, Pygments, WeasyPrint) never needs torch, and torch never
needs it: `start_report` begins importing and warming it up in a second process while
this one imports torch and computes the run (see report.worker), then hands it the
finished Report. Where that is not possible the same steps run here, one after another.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from backprop.config import RunConfig
from backprop.files import atomic_write

if TYPE_CHECKING:  # torch, and the renderer's imports: not before they are needed
    from backprop.graph import Graph
    from backprop.run import Run
    from report.model import Report

HTML_FILE = "report.html"
PDF_FILE = "report.pdf"

Stage = Callable[[str], None]


def prepare(config: RunConfig, pdf: bool) -> None:
    """Import the renderer and do the work that needs only the config: equations, templates."""
    from report import listing, mathsvg, render
    from report.equations import catalog

    render.environment().get_template("report.html.j2")
    listing.warm()
    mathsvg.warm(list(catalog(config).values()))
    if pdf:
        from report.pdf import warm

        warm()


def write_report(report: Report, folder: Path, pdf: bool, stage: Stage) -> dict[str, Path]:
    """Render `report` (a report.model.Report) to folder/report.html and maybe report.pdf."""
    from report.render import render_html

    stage("HTML")
    html = render_html(report)
    written = {HTML_FILE: folder / HTML_FILE}
    atomic_write(written[HTML_FILE], html)
    if pdf:
        from report.pdf import layout

        stage("PDF")
        written[PDF_FILE] = folder / PDF_FILE
        atomic_write(written[PDF_FILE], layout(html).write_pdf())
    return written


def compute_report(run: Run, folder: Path, stage: Stage, graph: Graph | None = None) -> Report:
    """The Report of `run`, whose .dat files are in `folder`; computes the graph if not given."""
    from report.collect import collect
    from report.notes import companion_runs

    if graph is None:
        graph = graph_of(run, stage)
    stage("companion runs")
    companions = companion_runs(run.config)
    return collect(run, graph, folder, companions)


def graph_of(run: Run, stage: Stage) -> Graph:
    """backprop.graph's Graph of the run's loss."""
    from backprop.graph import graph_of_run

    stage("graph")
    return graph_of_run(run)


class ReportJob:
    """A report being made: started before the run exists, finished once it does."""

    def __init__(self, config: RunConfig, folder: Path, pdf: bool) -> None:
        """Start the worker now, if one can be forked; else the work waits for finish()."""
        from report.worker import Worker, can_fork

        self.config, self.folder, self.pdf = config, folder, pdf
        self.worker = Worker(config, folder, pdf) if can_fork() else None

    def finish(self, run: Run, stage: Stage, graph: Graph | None = None) -> dict[str, Path]:
        """Collect the report of `run` here, render it in the worker (or here); the paths."""
        report = compute_report(run, self.folder, stage, graph)
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
