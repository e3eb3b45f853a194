"""Runs `gradreport check` in this process, as the command line would (shared by the tests)."""

from __future__ import annotations

import contextlib
import io
import sys

from backprop.config import OptionParser
from backprop.errors import UserError
from report.check_cmd import add_check_command, check


def run_check(*argv: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `gradreport check ARGV`."""
    parser = OptionParser(prog="gradreport")
    add_check_command(parser.add_subparsers(dest="command", parser_class=OptionParser))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = check(parser.parse_args(["check", *argv]))
        except UserError as error:
            print(f"gradreport: {str(error).rstrip('.')}.", file=sys.stderr)
            status = 2
    return status, out.getvalue(), err.getvalue()
