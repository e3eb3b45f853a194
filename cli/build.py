"""`gradreport build`: compute a run, write its files, its graph and its report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from backprop.config import RunConfig
from backprop.files import (
    AUTOGRAD_DAT,
    GRAPH_FILES,
    MANUAL_DAT,
    RUN_JSON,
    output_folder,
    staging,
)
from backprop.verdict import verdict
from cli.console import Stages, console, styled
from cli.options import add_run_options, config_from_args, folder_name
from report.build import start_report
from report.output import REPORT_FILES

if TYPE_CHECKING:  # imports torch; the command line must not before its options are checked
    from backprop.graph import Graph
    from backprop.run import Run

# Every file a build writes; one an older build left and this one did not write goes.
BUILD_FILES = (AUTOGRAD_DAT, MANUAL_DAT, RUN_JSON, *GRAPH_FILES, *REPORT_FILES)


def add_command(commands: argparse._SubParsersAction) -> None:
    """Add `build` to gradreport's subcommands."""
    build = commands.add_parser("build", help="compute a run and write its files and report",
                                description="Compute a run: torch_autograd.dat, "
                                            "my_autograd.dat, run.json and report.html in "
                                            "--out, and report.pdf with --pdf.")
    add_run_options(build)
    build.add_argument("--out", default="build", metavar="DIR", type=folder_name,
                       help="output folder (default: build)")
    build.add_argument("--pdf", action="store_true", help="also write report.pdf")
    build.add_argument("-q", "--quiet", action="store_true", help="print no progress")


def run(args: argparse.Namespace) -> int:
    """Compute the run of the options, write its files and report to --out; print a summary."""
    config = config_from_args(args)
    with output_folder(args.out) as out, staging(out, BUILD_FILES) as stage:
        result, written = _build(config, stage, args)  # into `out` together once all are made
    screen = console()
    screen.print(summary_table(result))
    for diagnostic in result.diagnostics:
        screen.print(Text.assemble((f"{diagnostic.kind}:", "bold red"), " ", diagnostic.message))
    screen.print(styled(verdict(result)))
    screen.print(Text("wrote " + ", ".join(str(out / name) for name in written)),
                 soft_wrap=True)
    return 0


def _build(config: RunConfig, out: Path, args: argparse.Namespace) -> tuple[Run, dict]:
    """The run, its files written to `out`, and the report beside them; the names written."""
    stages = Stages(console(stderr=True, quiet=args.quiet))
    report = start_report(config, out, pdf=args.pdf)  # before torch: the imports overlap
    try:
        from backprop.graph import draw
        from backprop.notes import assignment_notes
        from backprop.record import write_run_files
        from backprop.run import compute_run

        result = compute_run(config, stage=stages)
        stages("graph")
        graph = draw(result.records, layers=config.layers)  # before any file: it may fail
        written = write_run_files(result, out)
        written.update(write_run_graph(graph, out))
        stages("companion runs")
        notes = assignment_notes(result)
        written |= report.finish(result, graph, notes, stage=stages)
    except BaseException:
        report.close()
        stages.close(done=False)  # the stage that failed gets no tick
        raise
    report.close()
    stages.close()
    return result, written


def write_run_graph(graph: Graph, folder: Path) -> dict[str, Path]:
    """The run's graph files; a missing `dot` is only reported: the run does not need it."""
    from backprop.graph import write_graph_files

    if graph.note:  # even with --quiet: the report will lack its figure
        console(stderr=True).print(Text(f"gradreport: note: {graph.note}."), soft_wrap=True)
    return write_graph_files(graph, folder)


def summary_table(result: Run) -> Table:
    """Per parameter: agreement at 5 digits, max relative error, bits, finite differences."""
    table = Table(title=f"Hand-written vs autograd, {result.config.describe()}",
                  title_justify="left")
    for header in ("param", "shape", f"agree @{result.comparison[0].digits}", "max rel err",
                   "bitwise", "finite diff"):
        table.add_column(header, justify="left" if header in ("param", "shape") else "right",
                         min_width=7 if header.startswith("max") else None)
    for agreement, check in zip(result.comparison, result.fd.params, strict=True):
        fd = {"agree": "yes", "differ": "[red]NO[/]", "unresolved": "unresolved"}[check.status]
        if check.status == "unresolved" and check.resolved:
            fd = f"yes on {check.resolved}/{check.resolved + check.unresolved}"
        notes = []
        if check.checked < check.total:
            notes.append(f"{check.checked}/{check.total} checked")
        if check.kinks:
            notes.append(f"{check.kinks} kink{'s' if check.kinks > 1 else ''}")
        if check.unresolved:
            notes.append(f"{check.unresolved} lost in rounding")
        table.add_row(
            agreement.name, "x".join(map(str, agreement.shape)), _agree_cell(agreement),
            f"{agreement.max_rel_error:.1e}", "yes" if agreement.bitwise else "no",
            fd + (f" ({', '.join(notes)})" if notes else ""))
    return table


def _agree_cell(agreement) -> str:
    if agreement.agree:
        return "yes"
    parts = [f"{agreement.differ} differ"] if agreement.differ else []
    parts += [f"{agreement.nonfinite} inf/nan"] if agreement.nonfinite else []
    return f"[red]NO ({', '.join(parts)})[/]"
