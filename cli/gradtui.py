"""gradtui: the command line. Options are checked before Textual or torch is imported.

A bad option ends in one sentence on stderr and exit status 2, before any screen is drawn.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from backprop.config import ConfigError, RunConfig
from backprop.errors import UserError
from backprop.files import check_folder
from cli.boundary import fail
from cli.check import seconds
from cli.options import OptionParser, add_run_options, config_from_args, folder_name
from tui.signals import Stopped, exit_status, leave, raise_on_signals, stopped_line
from tui.terminal import drop_typed_ahead, keys_unechoed, terminal_problem

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
    parser.add_argument("script", nargs="?", metavar="SCRIPT.py",
                        help="step through the backward of this script's scalar VAR instead")
    parser.add_argument("--var", default="loss", metavar="VAR",
                        help="the script's scalar tensor (default: loss)")
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
    return config, out, _check_target(args)


def _check_target(args: argparse.Namespace) -> tuple[Target, float] | None:
    if args.check is None:
        return None
    if args.script is not None:
        raise UserError("--check steps through your backward pass, SCRIPT.py through a "
                        "script's graph: give one of them")
    from backprop.check.loader import parse_target

    return parse_target(args.check), args.timeout   # before the screen


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


def on_a_terminal() -> str | None:
    """None when gradtui can draw here, else one sentence on what it needs."""
    return terminal_problem()


def main(argv: Sequence[str] | None = None) -> int:
    """Run gradtui; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        config, out = _config(args)
        check = _check_target(args)
        if args.script is not None and not Path(args.script).is_file():
            raise UserError(f"{args.script} is not a file")
        problem = on_a_terminal()
        if problem:
            raise UserError(problem)
        check_folder(out)  # before the screen: `e` would only fail later
    except UserError as err:
        return fail("gradtui", str(err))
    raise_on_signals()
    try:
        with keys_unechoed():
            status = _run(config, out, args.script, args.var, check)
    except Stopped as stop:   # a signal before the app's loop took over
        status = _stopped(stop.signum)
    return leave(status)


def _run(config: RunConfig, out: str, script: str | None, var: str,
         check: tuple[Target, float] | None) -> int:
    from tui.app import GradTUI  # Textual only now that the options are known to be good

    app = GradTUI(config, out=out, signals=True, script=script, var=var, check=check)
    drop_typed_ahead()
    # A loop of our own: asyncio.run would, on the way out, wait for a run still being
    # computed in a thread (seconds, with the screen already gone); `leave` does not.
    app.run(loop=asyncio.new_event_loop())
    if app.stopped_by is not None:
        return _stopped(app.stopped_by)
    if app.failure is not None:   # the check could not run: as gradreport check says it
        sentence, traceback = app.failure
        if traceback:
            print(traceback, file=sys.stderr, flush=True)
        return fail("gradtui", sentence)
    # Textual prints the traceback of an exception that ended the app and sets status 1.
    return app.return_code or 0


def _stopped(signum: int) -> int:
    with contextlib.suppress(OSError):   # the terminal went away (SIGHUP): the status says it
        print(stopped_line(signum), file=sys.stderr)
    return exit_status(signum)


if __name__ == "__main__":
    sys.exit(main())
