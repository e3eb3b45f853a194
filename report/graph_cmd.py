"""`gradreport graph`: draw, number and explain the autograd graph of a run or of a script.

Nothing here imports torch at module level: the options are checked first.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from backprop.config import RunConfig, add_run_options, config_from_args
from backprop.errors import UserError

if TYPE_CHECKING:  # torch is imported only once the options are checked
    from backprop.graph import Graph
    from backprop.run import Run

DESCRIPTION = ("Draw the autograd graph of the run's loss (or of the scalar VAR of your "
               "own SCRIPT.py) with every box numbered, and explain each box: graph.svg, "
               "graph.dot, graph.json (and the saved-tensor view graph-saved.*) in --out. "
               "Exit 2 when Graphviz's dot is missing (graph.dot and graph.json are still "
               "written) or the script fails.")


def add_graph_command(commands: argparse._SubParsersAction) -> None:
    """Add `graph` to gradreport's subcommands."""
    graph = commands.add_parser("graph", help="draw and explain the autograd graph",
                                description=DESCRIPTION)
    graph.add_argument("script", nargs="?", metavar="SCRIPT.py",
                       help="a Python script to run; its variable VAR is graphed")
    graph.add_argument("--var", metavar="VAR",
                       help="the script's scalar tensor to graph (default: loss)")
    add_run_options(graph)
    graph.add_argument("--out", default="build", metavar="DIR",
                       help="output folder (default: build)")
    graph.add_argument("--explain", action="store_true",
                       help="print every box's explanation and formula after the table")
    graph.add_argument("-q", "--quiet", action="store_true", help="print no progress")


def graph(args: argparse.Namespace) -> int:
    """Run `gradreport graph`; returns the exit status."""
    config = config_from_args(args)
    if args.script is None and args.var is not None:
        raise UserError("--var names a variable of SCRIPT.py, and no script was given")
    if args.script is not None and config != RunConfig():
        raise UserError("run options do not apply to a script: its code decides the network")
    from backprop.files import prepare_folder

    out = prepare_folder(args.out)  # an unwritable folder fails before any work
    err = Console(stderr=True, quiet=args.quiet, highlight=False)
    from backprop.graph import graph_of_run, graph_of_script, write_graph_files

    symbols: dict[tuple[str, int | None], str] = {}
    if args.script is None:
        from backprop.run import compute_run

        run = compute_run(config, stage=lambda name: err.print(f"[dim]·[/] {name}"))
        err.print("[dim]·[/] graph")
        result = graph_of_run(run)
        symbols = {(s.tag, s.layer): s.symbol for s in run.steps}
        title = f"Autograd graph of L, {config.describe()}"
    else:
        err.print(f"[dim]·[/] running {escape(args.script)}")
        result = graph_of_script(args.script, args.var or "loss")
        title = f"Autograd graph of {args.var or 'loss'} in {args.script}"
    written = write_graph_files(result, out)
    console = Console(highlight=False)
    console.print(node_table(result, title, symbols))
    if args.explain:
        for node in result.nodes:
            console.print(f"\n[bold]#{node.number} {escape(node.label)}[/]  "
                          f"{escape(node.formula)}")
            console.print(node.explanation, markup=False)
    console.print("wrote " + ", ".join(str(path) for path in written.values()), markup=False)
    if result.svg is None:
        raise UserError(result.note or "no SVG was drawn")
    if result.note:
        console.print(f"note: {result.note}.", markup=False)
    return 0


def node_table(result: Graph, title: str, symbols: dict[tuple[str, int | None], str]) -> Table:
    """One row per box: number, label, layer, where its gradient goes, saved values, steps."""
    table = Table(title=escape(title), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("node", no_wrap=True)
    table.add_column("layer", justify="right")
    table.add_column("grad to")
    table.add_column("saved")
    table.add_column("same as step")
    for node in result.nodes:
        if node.kind == "saved":
            saved = f"= {node.saved[0].meaning}, kept by {_numbers(node.saved_by)}"
        else:
            saved = ", ".join(f"{s.name}={s.meaning}" for s in node.saved if s.shape)
        cells = (str(node.number), node.label, "" if node.layer is None else str(node.layer),
                 _numbers(node.inputs), saved,
                 ", ".join(symbols.get(key, key[0]) for key in node.steps))
        table.add_row(*map(escape, cells))  # "[i]" in a name is text, not rich markup
    return table


def _numbers(numbers: tuple[int, ...]) -> str:
    return " ".join(f"#{n}" for n in numbers)


def write_run_graph(run: Run, folder: str | Path, result: Graph | None = None) -> dict[str, Path]:
    """`gradreport build`'s part: the run's graph files; a missing `dot` is only reported.

    `result` is the run's graph when the caller has it already (the report draws it too).
    """
    from backprop.graph import graph_of_run, write_graph_files

    if result is None:
        result = graph_of_run(run)
    if result.note:  # even with --quiet: the report will lack its figure
        Console(stderr=True, highlight=False).print(f"gradreport: note: {result.note}.",
                                                    markup=False)
    return write_graph_files(result, folder)
