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
from backprop.errors import UserError, quoted
from backprop.files import output_folder
from backprop.outset import locked
from cli.console import console
from cli.options import add_run_options, config_from_args, folder_name, whole_number

if TYPE_CHECKING:  # torch is imported only once the options are checked
    from backprop.graph import Graph, NodeRecord

MAX_TABLE_ROWS = 1000  # rich lays out ~1,000 rows a second; graph.json has every box
DOT = ("· ", "dim")  # the progress mark before each stage on stderr
DESCRIPTION = ("Draw the autograd graph of the run's loss (or of the scalar VAR of your "
               "own SCRIPT.py) with every box numbered, and explain each box: graph.svg, "
               "graph.dot, graph.json (and the saved-tensor view graph-saved.*) in --out; "
               "every node's formula is checked on one real backward (verified), its place "
               "in the order the nodes ran is shown (ran), and graph-values.npz keeps the "
               "small tensors whole. For a script's model too large to read whole on one "
               "A4 page, graph.svg draws its modules collapsed (--depth) and graph-full.svg "
               "every box; the line after the files says which. Exit 1 when a node's "
               "formula FAILED its check; "
               "exit 2 when no SVG was drawn (Graphviz's dot is missing, or the graph is "
               "too large to draw; graph.dot and graph.json are still written), when "
               "a saved tensor was modified in place, or when the script fails.")


def variable_name(text: str) -> str:
    """--var: a Python name, checked before the script runs (an empty one is not `loss`)."""
    if not text.isidentifier():
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a Python variable name")
    return text


def depth_value(text: str) -> int:
    """--depth: a whole number of at least 1 (1 is the top-level modules)."""
    depth = whole_number(text)
    if depth < 1:
        raise argparse.ArgumentTypeError(
            f"{quoted(text)} is no depth: 1 is the top-level modules, so it is 1 or more")
    return depth


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
    graph.add_argument("--values", action="store_true",
                       help="write |g|, the norm of the gradient each box received, on it")
    graph.add_argument("--depth", metavar="N", type=depth_value,
                       help="draw each module N levels down in named_modules (1: the "
                            "top-level ones) collapsed, as one box saying what it holds; "
                            "graph-full.svg then draws every box. Default: every box when "
                            "the drawing is legible on one A4 page (text >= 6.5 pt), else "
                            "the deepest N that is (ResNet-18: 2, the GPT: 3)")
    graph.add_argument("--expand", metavar="NAME", action="append", default=[],
                       help="draw the module NAME (and its parents) open, the others "
                            "collapsed at --depth (default: the default depth, or 1); "
                            "repeatable")
    graph.add_argument("-q", "--quiet", action="store_true", help="print no progress")


def run(args: argparse.Namespace) -> int:
    """Run `gradreport graph`; returns the exit status."""
    config = config_from_args(args)
    if args.script is None and args.var is not None:
        raise UserError("--var names a variable of SCRIPT.py, and no script was given")
    for given, flag in ((args.depth is not None, "--depth"), (args.expand, "--expand")):
        if given and args.script is None:
            raise UserError(f"{flag} collapses or opens the nn.Modules of SCRIPT.py's model, "
                            "and no script was given (the default network has no modules)")
    if args.script is not None and config != RunConfig():
        raise UserError("run options do not apply to a script: its code decides the network")
    # Absolute, so a script that calls os.chdir cannot move where the files go.
    out = Path(args.out).absolute()
    with output_folder(out), locked(out):  # a second command there is refused before the
        return _draw(args, config, out)     # script runs, not after


def _draw(args: argparse.Namespace, config: RunConfig, out: Path) -> int:
    """Compute the run or run the script, write the graph files to `out` and print them."""
    err = console(stderr=True, quiet=args.quiet, soft_wrap=True)
    from backprop.graph import draw, graph_of_script, with_values, write_graph_files
    from backprop.graph.collapse import View, draw_view

    symbols: dict[tuple[str, int | None], str] = {}
    diagnostics: tuple = ()
    drawing = None  # what graph.svg draws, for a script's model
    if args.script is None:
        from backprop.run import compute_run

        done = compute_run(config, stage=lambda name: err.print(Text.assemble(DOT, name)),
                           fd=False)  # the graph does not show finite differences
        err.print(Text.assemble(DOT, "graph"))
        result = draw(with_values(done.records) if args.values else done.records)
        symbols = {(s.tag, s.layer): s.symbol for s in done.steps}
        diagnostics = tuple(d for d in done.diagnostics if d.severe)
        title = f"Autograd graph of L, {config.describe()}"
    else:
        err.print(Text.assemble(DOT, f"running {args.script}"))
        result = graph_of_script(args.script, args.var or "loss", render=False)
        result = draw(with_values(result) if args.values else result)
        view = View(args.depth, tuple(args.expand))
        result, drawing = draw_view(result, view, values=args.values)
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
    if drawing and result.svg is not None:
        screen.print(Text(drawing + "."), soft_wrap=True)
    if result.nonfinite:
        screen.print(Text.assemble(("nan/inf:", "bold red"), " ", result.nonfinite))
    failed = [node for node in result.nodes if node.verified == "FAILED"]
    for node in failed:  # as loud as a failing test
        screen.print(Text.assemble(("FAILED", "bold red"), f" #{node.number} {node.label}: "
                                   f"its formula does not give what autograd sent ({node.why})"))
    if result.svg is None:
        raise UserError(result.note or "no SVG was drawn")
    if result.broken:
        where = f"{args.script}: " if args.script else ""
        raise UserError(f"{where}{result.broken}")
    if result.note:
        screen.print(Text(f"note: {result.note}."), soft_wrap=True)
    return 1 if failed else 0


def node_table(result: Graph, title: str, symbols: dict[tuple[str, int | None], str]) -> Table:
    """One row per box: number, label, layer, where its gradient goes, saved values, steps."""
    table = Table(title=Text(title), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("node", no_wrap=True)
    table.add_column("layer", justify="right")
    table.add_column("grad to")
    table.add_column("saved")
    table.add_column("same as step")
    table.add_column("verified")
    table.add_column("ran", justify="right")
    for node in result.nodes[:MAX_TABLE_ROWS]:
        if node.kind == "saved":
            saved = f"= {node.saved[0].meaning}, kept by {_numbers(node.saved_by)}"
        else:  # tensors only, a 0-d one (shape ()) included; exponents and sizes are text
            saved = ", ".join(f"{s.name}={s.meaning}" for s in node.saved
                              if s.shape is not None)
        cells = (str(node.number), node.label, "" if node.layer is None else str(node.layer),
                 _numbers(node.inputs), saved,
                 ", ".join(symbols.get(key, key[0]) for key in node.steps))
        row = [*map(Text, cells), _verified(node), Text(_ran(node.ran))]
        table.add_row(*row)  # Text: a "[/x]" in a name is never rich markup
    if len(result.nodes) > MAX_TABLE_ROWS:
        table.caption = (f"the first {MAX_TABLE_ROWS:,} of {len(result.nodes):,} boxes; "
                         "graph.json has them all")
        table.caption_justify = "left"
    return table


def _verified(node: NodeRecord) -> Text:
    """'exact', 'close 3e-07', 'FAILED' in bold red, 'not checkable'."""
    if node.verified == "close":
        return Text(f"close {node.error:.1g}")
    style = "bold red" if node.verified == "FAILED" else "dim" if node.verified != "exact" else ""
    return Text(node.verified, style=style)


def _ran(ran: int | None) -> str:
    """'ran 7th' as a table cell: '7th'."""
    if ran is None:
        return ""
    tail = "th" if 10 <= ran % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(ran % 10, "th")
    return f"{ran}{tail}"


def _numbers(numbers: tuple[int, ...]) -> str:
    return " ".join(f"#{n}" for n in numbers)
