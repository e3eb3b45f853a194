"""gradtui: the command line. Options are checked before Textual or torch is imported.

A bad option ends in one sentence on stderr and exit status 2, before any screen is drawn.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from backprop.config import ConfigError, RunConfig
from backprop.errors import UserError
from backprop.files import check_folder
from cli.boundary import fail
from cli.check import seconds
from cli.options import OptionParser, add_run_options, config_from_args, folder_name

if TYPE_CHECKING:
    from backprop.check.loader import Target

# What the screen can show without breaking its layout; gradreport takes larger runs.
MAX_WIDTH = 64
MAX_BATCH = 64


def build_parser() -> argparse.ArgumentParser:
    """The gradtui command line: the run options shared with gradreport, and --out."""
    parser = OptionParser(prog="gradtui", description=(
        "Step through the forward and backward passes of the ReLU network one quantity "
        "at a time, the hand-written pass beside autograd, like a debugger. "
        "Press F1 or ? inside for the keys."))
    add_run_options(parser)
    parser.add_argument("--out", default="build", metavar="DIR", type=folder_name,
                        help="where e exports the .dat files and run.json (default: build)")
    parser.add_argument("--check", metavar="FILE.py[:FUNC]", default=None,
                        help="step through your own backward(W, b, x, y) (default function: "
                             "backward) beside autograd; c shows the sweep and the diagnosis")
    parser.add_argument("--timeout", type=seconds, default=10.0, metavar="S",
                        help="with --check: seconds each call of your function may take "
                             "(default 10)")
    return parser


def parse_args(argv: Sequence[str] | None) -> tuple[RunConfig, str, tuple[Target, float] | None]:
    """The config, the export folder and the --check target with its timeout, all checked."""
    args = build_parser().parse_args(argv)
    config, out = _config(args)
    if args.check is None:
        return config, out, None
    from backprop.check.loader import parse_target

    return config, out, (parse_target(args.check), args.timeout)   # before the screen


def parse_config(argv: Sequence[str] | None) -> tuple[RunConfig, str]:
    """The validated RunConfig and export folder; raises UserError with one sentence."""
    return _config(build_parser().parse_args(argv))


def _config(args: argparse.Namespace) -> tuple[RunConfig, str]:
    config = config_from_args(args)
    # The program's name starts the printed line already: these sentences do not repeat it.
    if config.d > MAX_WIDTH:
        raise ConfigError(f"d (width) must be at most {MAX_WIDTH} to fit the screen, not "
                          f"{config.d}; gradreport build takes wider networks")
    if config.batch > MAX_BATCH:
        raise ConfigError(f"batch must be at most {MAX_BATCH} to fit the screen, not "
                          f"{config.batch}; gradreport build takes larger ones")
    return config, args.out


def on_a_terminal() -> bool:
    """True when keys come from, and the screen goes to, a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def main(argv: Sequence[str] | None = None) -> int:
    """Run gradtui; returns the exit status."""
    try:
        config, out, check = parse_args(argv)
        if not on_a_terminal():  # else Textual would wait for keys that never come
            raise UserError("needs a terminal: its input and output cannot be a file or a "
                            "pipe (gradreport build writes the same numbers to files)")
        check_folder(out)  # before the screen: `e` would only fail later
    except UserError as err:
        return fail("gradtui", str(err))
    from tui.app import GradTUI  # Textual only now that the options are known to be good

    app = GradTUI(config, out=out, check=check)
    app.run()
    if app.failure is not None:   # the check could not run: as gradreport check says it
        sentence, traceback = app.failure
        if traceback:
            print(traceback, file=sys.stderr, flush=True)
        return fail("gradtui", sentence)
    # Textual prints the traceback of an exception that ended the app and sets status 1.
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
