"""Runs `gradreport check` in this process, as the command line would (shared by the tests)."""

from __future__ import annotations

import contextlib
import io

from cli.gradreport import main


def run_check(*argv: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `gradreport check ARGV`."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["check", *argv])
    return status, out.getvalue(), err.getvalue()
