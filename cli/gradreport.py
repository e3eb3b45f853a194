"""gradreport: build a run's files and report, compare .dat files, draw the graph, check a
student's own backward pass.

Options are checked before torch is imported, so a bad one fails at once; every error a
user can cause ends in one sentence on stderr and exit status 2 (cli.boundary).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NoReturn

from cli.boundary import end, guarded  # small: the boundary is up within milliseconds of start

if TYPE_CHECKING:  # everything else is imported inside the boundary
    import argparse
    from collections.abc import Sequence

COMMANDS = ("build", "compare", "graph", "check")  # one module of cli/ each


def build_parser() -> argparse.ArgumentParser:
    """The gradreport command line: one subcommand per module of cli/."""
    from cli.options import OptionParser

    parser = OptionParser(prog="gradreport", description=(
        "Backpropagation made visible and checkable: gradients by autograd and by a "
        "hand-written backward pass, compared, written out and explained."))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OptionParser)
    commands.required = True
    for name in COMMANDS:
        importlib.import_module(f"cli.{name}").add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run gradreport; returns the exit status."""
    def command() -> int:  # its imports are inside the boundary: Ctrl-C there is handled
        args = build_parser().parse_args(argv)
        return importlib.import_module(f"cli.{args.command}").run(args)

    return guarded("gradreport", command)


def run() -> NoReturn:
    """The `gradreport` command: main(), then the process ends at once (boundary.end)."""
    end("gradreport", main())


if __name__ == "__main__":
    run()
