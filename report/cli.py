"""gradreport: build a run's files and report, compare .dat files, draw the graph.

Options are checked before torch is imported, so a bad one fails at once; every error a
user can cause ends in one sentence on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import sys
from collections.abc import Sequence

from backprop.config import (
    OptionParser,
    UsageError,
    add_run_options,
    config_from_args,
    folder_name,
    whole_number,
)
from backprop.errors import UserError
from report.graph_cmd import add_graph_command
from report.progress import drop_stdout


def build_parser() -> argparse.ArgumentParser:
    """The gradreport command line."""
    parser = OptionParser(prog="gradreport", description=(
        "Backpropagation made visible and checkable: gradients by autograd and by a "
        "hand-written backward pass, compared, written out and explained."))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OptionParser)
    commands.required = True

    build = commands.add_parser("build", help="compute a run and write its files and report",
                                description="Compute a run: torch_autograd.dat, "
                                            "my_autograd.dat, run.json and report.html in "
                                            "--out, and report.pdf with --pdf.")
    add_run_options(build)
    build.add_argument("--out", default="build", metavar="DIR", type=folder_name,
                       help="output folder (default: build)")
    build.add_argument("--pdf", action="store_true", help="also write report.pdf")
    build.add_argument("-q", "--quiet", action="store_true", help="print no progress")

    compare = commands.add_parser("compare", help="compare two .dat files",
                                  description="Say, per parameter, whether two .dat files "
                                              "agree to N significant digits. Exit 0 when "
                                              "all agree, 1 when some differ, 2 on bad input.")
    compare.add_argument("first", metavar="A.dat")
    compare.add_argument("second", metavar="B.dat")
    compare.add_argument("--digits", type=whole_number, default=5, metavar="N",
                         help="significant digits that must agree (1..17, default 5)")
    add_graph_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run gradreport; returns the exit status."""
    for stream in (sys.stdout, sys.stderr):  # a file name or a … an ASCII terminal can't show
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")
    try:
        return _main(argv)
    except OSError as err:   # stdout itself: a full disk, say
        if err.errno not in (errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF):
            raise
        drop_stdout()
        return _fail(f"cannot write the output: {(err.strerror or str(err)).lower()}")


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "build":
            config = config_from_args(args)
            from report.commands import build

            return build(config, args)
        if args.command == "compare":
            if not 1 <= args.digits <= 17:
                raise UsageError(f"--digits must be between 1 and 17, not {args.digits}")
            from report.commands import compare

            return compare(args.first, args.second, args.digits)
        if args.command == "graph":
            from report.graph_cmd import graph

            return graph(args)
    except UserError as err:
        return _fail(str(err))
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130  # as a shell reports a command stopped by Ctrl-C (128 + SIGINT)
    raise AssertionError(f"unhandled command {args.command!r}")


def _fail(message: str) -> int:
    message = message.rstrip(".")
    with contextlib.suppress(OSError):  # stderr closed: the exit status still says it
        print(f"gradreport: {message}.", file=sys.stderr, flush=True)
    return 2


if __name__ == "__main__":
    sys.exit(main())
