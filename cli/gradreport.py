"""gradreport: build a run's files and report, compare .dat files, draw the graph.

Options are checked before torch is imported, so a bad one fails at once; every error a
user can cause ends in one sentence on stderr and exit status 2 (cli.boundary).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cli import build, check, compare, graph
from cli.boundary import guarded
from cli.options import OptionParser

COMMANDS = {"build": build, "compare": compare, "graph": graph, "check": check}


def build_parser() -> argparse.ArgumentParser:
    """The gradreport command line: one subcommand per module of cli/."""
    parser = OptionParser(prog="gradreport", description=(
        "Backpropagation made visible and checkable: gradients by autograd and by a "
        "hand-written backward pass, compared, written out and explained."))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OptionParser)
    commands.required = True
    for module in COMMANDS.values():
        module.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run gradreport; returns the exit status."""
    def command() -> int:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command].run(args)

    return guarded("gradreport", command)


if __name__ == "__main__":
    sys.exit(main())
