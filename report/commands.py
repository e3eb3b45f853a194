"""The work behind `gradreport build` and `gradreport compare`."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from backprop.config import RunConfig
from backprop.errors import UserError


def build(config: RunConfig, args: argparse.Namespace) -> int:
    """Compute the run for `config`, write its files and report to --out; print a summary."""
    from backprop.files import prepare_folder

    out = prepare_folder(args.out)  # an unwritable folder fails before any work
    from report.build import start_report
    from report.progress import Stages

    stages = Stages(Console(stderr=True, quiet=args.quiet, highlight=False))
    report = start_report(config, out, pdf=args.pdf)  # before torch: the imports overlap
    try:
        from backprop.files import write_run_files
        from backprop.graph import graph_of_run
        from backprop.run import compute_run
        from report.graph_cmd import write_run_graph

        run = compute_run(config, stage=stages)
        written = write_run_files(run, out)
        stages("graph")
        graph = graph_of_run(run)
        written.update(write_run_graph(run, out, graph))
        written |= report.finish(run, stage=stages, graph=graph)
    finally:
        report.close()
        stages.close()
    console = Console(highlight=False)
    console.print(summary_table(run))
    for diagnostic in run.diagnostics:
        console.print(f"[bold red]{diagnostic.kind}:[/] {diagnostic.message}")
    console.print(verdict(run))
    console.print("wrote " + ", ".join(str(path) for path in written.values()))
    return 0


def summary_table(run) -> Table:
    """Per parameter: agreement at 5 digits, max relative error, bits, finite differences."""
    table = Table(title=f"Hand-written vs autograd, {run.config.describe()}",
                  title_justify="left")
    for header in ("param", "shape", f"agree @{run.comparison[0].digits}", "max rel err",
                   "bitwise", "finite diff"):
        table.add_column(header, justify="left" if header in ("param", "shape") else "right")
    for agreement, check in zip(run.comparison, run.fd.params):
        fd = "yes" if check.agree else "[red]NO[/]"
        if check.checked < check.total:
            fd += f" ({check.checked}/{check.total})"
        if check.kinks:
            fd += f" {check.kinks} kink{'s' if check.kinks > 1 else ''}"
        table.add_row(
            agreement.name, "x".join(map(str, agreement.shape)),
            "yes" if agreement.agree else f"[red]NO ({agreement.differ})[/]",
            f"{agreement.max_rel_error:.1e}",
            "yes" if agreement.bitwise else "no",
            fd)
    return table


def verdict(run) -> str:
    """One line: do the passes agree, and do finite differences back them?"""
    n, digits = len(run.comparison), run.comparison[0].digits
    if run.agree:
        text = f"All {n} gradients agree at {digits} significant digits"
        text += " and are bit-for-bit identical" if run.bitwise else ""
    else:
        bad = sum(not a.agree for a in run.comparison)
        text = f"[red]{bad} of {n} gradients differ at {digits} significant digits[/]"
    fd = "agree" if run.fd.agree else "[red]DISAGREE[/]"
    return f"{text}; finite differences (float64) {fd}."


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
    table = Table(title=f"{first} ({a.pass_name}) vs {second} ({b.pass_name})",
                  title_justify="left")
    for header in ("param", "shape", f"agree @{digits}", "differ", "max abs err",
                   "max rel err", "bitwise"):
        table.add_column(header, justify="left" if header in ("param", "shape") else "right")
    results = [compare_tensors(name, a.gradients[name], b.gradients[name], digits)
               for name in a.gradients]
    for r in results:
        table.add_row(r.name, "x".join(map(str, r.shape)),
                      "yes" if r.agree else "[red]NO[/]", str(r.differ),
                      f"{r.max_abs_error:.3e}", f"{r.max_rel_error:.3e}",
                      "yes" if r.bitwise else "no")
    console = Console(highlight=False)
    console.print(table)
    differ = [r.name for r in results if not r.agree]
    if differ:
        console.print(f"[red]{len(differ)} of {len(results)} parameters differ at {digits} "
                      f"significant digits: {', '.join(differ)}.[/]")
        return 1
    identical = sum(r.bitwise for r in results)
    console.print(f"All {len(results)} parameters agree at {digits} significant digits "
                  f"({identical} bit-for-bit identical).")
    return 0
