"""The work behind `gradreport build` and `gradreport compare`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from backprop.config import RunConfig
from backprop.errors import UserError
from backprop.files import (
    AUTOGRAD_DAT,
    GRAPH_FILES,
    MANUAL_DAT,
    RUN_JSON,
    output_folder,
    staging,
    write_run_files,
)
from report.build import HTML_FILE, PDF_FILE
from report.progress import console

if TYPE_CHECKING:  # imports torch; the command line must not before its options are checked
    from backprop.run import Run


# Every file a build writes; one an older build left and this one did not write goes.
BUILD_FILES = (AUTOGRAD_DAT, MANUAL_DAT, RUN_JSON, *GRAPH_FILES, HTML_FILE, PDF_FILE)


def build(config: RunConfig, args: argparse.Namespace) -> int:
    """Compute the run for `config`, write its files and report to --out; print a summary."""
    with output_folder(args.out) as out, staging(out, BUILD_FILES) as stage:
        run, written = _build(config, stage, args)  # into `out` together once all are made
    written = {name: out / name for name in written}

    screen = console()
    screen.print(summary_table(run))
    for diagnostic in run.diagnostics:
        screen.print(f"[bold red]{diagnostic.kind}:[/] {diagnostic.message}")
    screen.print(verdict(run))
    screen.print("wrote " + escape(", ".join(str(path) for path in written.values())),
                  soft_wrap=True)
    return 0


def _build(config: RunConfig, out: Path, args: argparse.Namespace) -> tuple[Run, dict]:
    """The run, its files written to `out`, and the report beside them; the names written."""
    from report.build import start_report
    from report.progress import Stages

    stages = Stages(console(stderr=True, quiet=args.quiet))
    report = start_report(config, out, pdf=args.pdf)  # before torch: the imports overlap
    try:
        from backprop.graph import graph_of_run
        from backprop.run import compute_run
        from report.graph_cmd import write_run_graph

        run = compute_run(config, stage=stages)
        stages("graph")
        graph = graph_of_run(run)  # before any file is written: it may fail
        written = write_run_files(run, out)
        written.update(write_run_graph(run, out, graph))
        written |= report.finish(run, stage=stages, graph=graph)
    except BaseException:
        report.close()
        stages.close(done=False)  # the stage that failed gets no tick
        raise
    report.close()
    stages.close()
    return run, written


def summary_table(run: Run) -> Table:
    """Per parameter: agreement at 5 digits, max relative error, bits, finite differences."""
    table = Table(title=f"Hand-written vs autograd, {run.config.describe()}",
                  title_justify="left")
    for header in ("param", "shape", f"agree @{run.comparison[0].digits}", "max rel err",
                   "bitwise", "finite diff"):
        table.add_column(header, justify="left" if header in ("param", "shape") else "right",
                         min_width=7 if header.startswith("max") else None)
    for agreement, check in zip(run.comparison, run.fd.params, strict=True):
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


def verdict(run: Run) -> str:
    """One line: do the passes agree, and do finite differences back them?"""
    return agreement_sentence(run.comparison) + "; " + _fd_sentence(run) + "."


def agreement_sentence(results) -> str:
    """'All 22 gradients agree at 5 significant digits ...', or what keeps them from it."""
    n, digits = len(results), results[0].digits
    if all(r.agree for r in results):
        text = f"All {n} gradients agree at {_digits(digits)}"
        return text + (" and are bit-for-bit identical" if all(r.bitwise for r in results)
                       else "")
    parts = []
    differ = [r.name for r in results if r.differ]
    if differ:
        parts.append(f"{len(differ)} of {n} gradients differ at {_digits(digits)} "
                     f"({escape(', '.join(differ[:8]))}{', ...' if len(differ) > 8 else ''})")
    broken = [r.name for r in results if r.nonfinite]
    if broken:
        parts.append(f"{len(broken)} of {n} gradients hold inf or nan, which have no digits "
                     "to agree on")
    return "[red]" + " and ".join(parts) + "[/]"


def _digits(n: int) -> str:
    return f"{n} significant digit{'' if n == 1 else 's'}"


def _fd_sentence(run: Run) -> str:
    fd = run.fd
    if not fd.agree:
        return "finite differences (float64) [red]DISAGREE[/]"
    if fd.resolved == 0:
        return "finite differences (float64) could not judge any entry"
    judged = ("" if fd.resolved == fd.checked else
              f" on all {fd.resolved} entries they could judge, of {fd.checked} checked")
    return f"finite differences (float64) agree{judged}"


def compare(first: str, second: str, digits: int) -> int:
    """Compare two .dat files; 0 when all agree, 1 when some differ."""
    from backprop.compare import compare as compare_tensors
    from backprop.datfile import read_dat

    a, b = read_dat(first), read_dat(second)
    if a.config != b.config:
        fields = [f"{k}={va} vs {b.config.as_dict()[k]}"
                  for k, va in a.config.as_dict().items() if va != b.config.as_dict()[k]]
        raise UserError(f"{first} and {second} come from different runs "
                        f"({', '.join(fields)}), so their gradients cannot be compared")
    table = Table(title=escape(f"{first} ({a.pass_name}) vs {second} ({b.pass_name})"),
                  title_justify="left")
    for header in ("param", "shape", f"agree @{digits}", "differ", "inf/nan", "max abs err",
                   "max rel err", "bitwise"):
        # A number is never cut (1.000e-… hides whether it is 1e-06 or 1e-01): headers wrap
        table.add_column(header, justify="left" if header in ("param", "shape") else "right",
                         min_width=8 if header.startswith("max") else None)
    results = [compare_tensors(name, a.gradients[name], b.gradients[name], digits)
               for name in a.gradients]
    for r in results:
        table.add_row(r.name, "x".join(map(str, r.shape)),
                      "yes" if r.agree else "[red]NO[/]", str(r.differ), str(r.nonfinite),
                      f"{r.max_abs_error:.2e}", f"{r.max_rel_error:.2e}",
                      "yes" if r.bitwise else "no")
    screen = console()
    screen.print(table)
    screen.print(agreement_sentence(results) + ".")
    return 0 if all(r.agree for r in results) else 1
