"""`gradreport graph`: draw, number and explain the autograd graph of a run or of a script.

Nothing here imports torch at module level: the options are checked first.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from backprop.config import RunConfig
from backprop.errors import UserError
from backprop.files import output_folder
from cli.console import console
from cli.options import add_run_options, config_from_args, folder_name

if TYPE_CHECKING:  # torch is imported only once the options are checked
    from backprop.graph import Graph

MAX_TABLE_ROWS = 1000  # rich lays out ~1,000 rows a second; graph.json has every box
DOT = ("· ", "dim")  # the progress mark before each stage on stderr
DESCRIPTION = ("Draw the autograd graph of the run's loss (or of the scalar VAR of your "
               "own SCRIPT.py) with every box numbered, and explain each box: graph.svg, "
               "graph.dot, graph.json (and the saved-tensor view graph-saved.*) in --out. "
               "Exit 2 when no SVG was drawn (Graphviz's dot is missing, or the graph is "
               "too large to draw; graph.dot and graph.json are still written), when "
               "a saved tensor was modified in place, or when the script fails.")


def variable_name(text: str) -> str:
    """--var: a Python name, checked before the script runs (an empty one is not `loss`)."""
    if not text.isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r} is not a Python variable name")
    return text


def add_command(commands: argparse._SubParsersAction) -> None:
    """Add `graph` to gradreport's subcommands."""
    graph = commands.add_parser("graph", help="draw and explain the autograd graph",
                                description=DESCRIPTION)
    graph.add_argument("script", nargs="?", metavar="SCRIPT.py",
                       help="a Python script to run; its variable VAR is graphed")
    graph.add_argument("--var", metavar="VAR", type=variable_name,
                       help="the script's scalar tensor to graph (default: loss)")
    add_run_options(graph)
    graph.add_argument("--out", default="build", metavar="DIR", type=folder_name,
                       help="output folder (default: build)")
    graph.add_argument("--explain", action="store_true",
                       help="print every box's explanation and formula after the table")
    graph.add_argument("-q", "--quiet", action="store_true", help="print no progress")


def run(args: argparse.Namespace) -> int:
    """Run `gradreport graph`; returns the exit status."""
    config = config_from_args(args)
    if args.script is None and args.var is not None:
        raise UserError("--var names a variable of SCRIPT.py, and no script was given")
    if args.script is not None and config != RunConfig():
        raise UserError("run options do not apply to a script: its code decides the network")
    # Absolute, so a script that calls os.chdir cannot move where the files go.
    out = Path(args.out).absolute()
    with output_folder(out):
        return _draw(args, config, out)


def _draw(args: argparse.Namespace, config: RunConfig, out: Path) -> int:
    """Compute the run or run the script, write the graph files to `out` and print them."""
    err = console(stderr=True, quiet=args.quiet, soft_wrap=True)
    from backprop.graph import draw, graph_of_script, write_graph_files

    symbols: dict[tuple[str, int | None], str] = {}
    diagnostics: tuple = ()
    if args.script is None:
        from backprop.run import compute_run

        done = compute_run(config, stage=lambda name: err.print(Text.assemble(DOT, name)),
                           fd=False)  # the graph does not show finite differences
        err.print(Text.assemble(DOT, "graph"))
        result = draw(done.records)
        symbols = {(s.tag, s.layer): s.symbol for s in done.steps}
        diagnostics = tuple(d for d in done.diagnostics if d.severe)
        title = f"Autograd graph of L, {config.describe()}"
    else:
        err.print(Text.assemble(DOT, f"running {args.script}"))
        result = graph_of_script(args.script, args.var or "loss")
        title = f"Autograd graph of {args.var or 'loss'} in {args.script}"
    written = write_graph_files(result, out)  # all of them, or the folder as it was
    screen = console()
    screen.print(node_table(result, title, symbols))
    if args.explain:
        for node in result.nodes:
            screen.print()
            screen.print(Text.assemble((f"#{node.number} {node.label}", "bold"),
                                        f"  {node.formula}"))
            screen.print(Text(node.explanation))
    for diagnostic in diagnostics:  # the graph of a dead network is all zeros: say so
        screen.print(Text.assemble((f"{diagnostic.kind}:", "bold red"), " ",
                                    diagnostic.message))
    shown = [str(Path(args.out) / name) for name in written]  # as the user wrote --out
    screen.print(Text("wrote " + ", ".join(shown)), soft_wrap=True)
    if result.svg is None:
        raise UserError(result.note or "no SVG was drawn")
    if result.broken:
        where = f"{args.script}: " if args.script else ""
        raise UserError(f"{where}{result.broken}")
    if result.note:
        screen.print(Text(f"note: {result.note}."), soft_wrap=True)
    return 0


def node_table(result: Graph, title: str, symbols: dict[tuple[str, int | None], str]) -> Table:
    """One row per box: number, label, layer, where its gradient goes, saved values, steps."""
    table = Table(title=Text(title), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("node", no_wrap=True)
    table.add_column("layer", justify="right")
    table.add_column("grad to")
    table.add_column("saved")
    table.add_column("same as step")
    for node in result.nodes[:MAX_TABLE_ROWS]:
        if node.kind == "saved":
            saved = f"= {node.saved[0].meaning}, kept by {_numbers(node.saved_by)}"
        else:  # tensors only, a 0-d one (shape ()) included; exponents and sizes are text
            saved = ", ".join(f"{s.name}={s.meaning}" for s in node.saved
                              if s.shape is not None)
        cells = (str(node.number), node.label, "" if node.layer is None else str(node.layer),
                 _numbers(node.inputs), saved,
                 ", ".join(symbols.get(key, key[0]) for key in node.steps))
        table.add_row(*map(Text, cells))  # Text: a "[/x]" in a name is never rich markup
    if len(result.nodes) > MAX_TABLE_ROWS:
        table.caption = (f"the first {MAX_TABLE_ROWS:,} of {len(result.nodes):,} boxes; "
                         "graph.json has them all")
        table.caption_justify = "left"
    return table


def _numbers(numbers: tuple[int, ...]) -> str:
    return " ".join(f"#{n}" for n in numbers)
