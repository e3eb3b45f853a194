"""`gradreport check mine.py[:func]`: a student's own backward pass against autograd.

Nothing here imports torch at module level: the options and the file are checked first.
Exit status 0 when the default run and every sweep config agree, 1 when some differ, 2 on
bad input (no such file or function, a syntax error, bad options, a result that breaks the
contract, a crash or a hang in the student's code).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from backprop.files import AUTOGRAD_DAT, MANUAL_DAT, atomic_write, check_folder, output_folder
from cli.console import console
from cli.options import add_run_options, config_from_args, folder_name

if TYPE_CHECKING:
    from backprop.check.result import Check

CHECK_JSON = "check.json"
CHECK_FILES = (AUTOGRAD_DAT, MANUAL_DAT, CHECK_JSON)
MAX_TIMEOUT = 3600.0
DESCRIPTION = (
    "Run your own backward(W, b, x, y) (in FILE.py, or FILE.py:FUNC) on the run's problem "
    "and on a fixed sweep of 52 more configs, in a separate process; compare every gradient "
    "with autograd at 5 significant digits from the output layer down; name the first "
    "layer that differs, the smallest config that fails and the typical mistake your "
    "results match. Writes my_autograd.dat, torch_autograd.dat and check.json to --out. "
    "Exit 0 when all agree, 1 when some differ, 2 on bad input.")


def seconds(text: str) -> float:
    """--timeout: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}") from None
    if not 0 < value <= MAX_TIMEOUT:   # nan fails this too
        raise argparse.ArgumentTypeError(f"--timeout must be between 0 and {MAX_TIMEOUT:g} "
                                         f"seconds, not {text}")
    return value


def add_command(commands: argparse._SubParsersAction) -> None:
    """Add `check` to gradreport's subcommands."""
    parser = commands.add_parser("check", help="check your own backward pass against autograd",
                                 description=DESCRIPTION)
    parser.add_argument("target", metavar="FILE.py[:FUNC]",
                        help="your file and function (default function: backward)")
    add_run_options(parser)
    parser.add_argument("--timeout", type=seconds, default=10.0, metavar="S",
                        help="seconds each call of your function may take (default 10)")
    parser.add_argument("--out", default="build/check", metavar="DIR", type=folder_name,
                        help="output folder (default: build/check)")


def run(args: argparse.Namespace) -> int:
    """Run `gradreport check`; returns the exit status."""
    config = config_from_args(args)
    from backprop.check.loader import parse_target

    target = parse_target(args.target)   # before torch: a missing file fails at once
    check_folder(args.out)
    from backprop.check.runner import CheckError, run_in_child
    from backprop.check.sweep import plan

    configs = plan(config)
    try:
        found, output, printed = run_in_child(target, configs, args.timeout)
    except CheckError as err:
        if err.traceback:
            print(err.traceback, file=sys.stderr, flush=True)
        raise
    from backprop.check.core import assemble

    result = assemble(target.spec, configs, found, output, printed)
    written = write_check_files(result, args.out)
    screen = console()
    screen.print(escape(f"{result.source} against autograd, {result.config.describe()}"),
                 soft_wrap=True)
    screen.print(check_table(result))
    for sentence in result.sentences():
        screen.print(escape(sentence), soft_wrap=True)
    screen.print("wrote " + escape(", ".join(written)), soft_wrap=True)
    return result.exit_status


def write_check_files(result: Check, folder: str) -> list[str]:
    """my_autograd.dat (theirs), torch_autograd.dat and check.json, as one set in `folder`."""
    from backprop.datfile import format_dat
    from backprop.files import staging

    texts = {
        MANUAL_DAT: format_dat("hand-written", result.config, result.gradients),
        AUTOGRAD_DAT: format_dat("autograd", result.config, result.autograd),
        CHECK_JSON: json.dumps(result.record(), indent=1, ensure_ascii=False,
                               allow_nan=False, default=str) + "\n",
    }
    with output_folder(folder) as out, staging(out, CHECK_FILES) as stage:
        for name, text in texts.items():
            atomic_write(stage / name, text)
    return [str(out / name) for name in texts]


def check_table(result: Check) -> Table:
    """The default run's tensors, output layer first."""
    table = Table()
    for header in ("tensor", "shape", "agree @5", "differ", "max rel err"):
        table.add_column(header, justify="left" if header in ("tensor", "shape") else "right")
    for row in result.rows:
        agree = "yes" if row.agree else "[red]NO[/]"
        differ = str(row.differ) + (f" (+{row.agreement.nonfinite} inf/nan)"
                                    if row.agreement.nonfinite else "")
        table.add_row(escape(row.name), "x".join(map(str, row.agreement.shape)), agree, differ,
                      f"{row.agreement.max_rel_error:.1e}")
    return table

