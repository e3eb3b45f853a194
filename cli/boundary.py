"""The error boundary of both programs: what a user can cause ends in one sentence.

`guarded(prog, command)` runs a command and turns a UserError into `prog: sentence.` on
stderr with exit status 2, Ctrl-C into `interrupted` and 130, and a stdout that cannot
be written (a full disk, a closed pipe) into one sentence and 2.
"""

from __future__ import annotations

import contextlib
import errno
import sys
from collections.abc import Callable

from backprop.errors import UserError
from cli.console import drop_stdout

INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C (128 + SIGINT)


def guarded(prog: str, command: Callable[[], int]) -> int:
    """Run `command`; return its exit status, or 2 / 130 with one sentence on stderr."""
    for stream in (sys.stdout, sys.stderr):  # a file name or a … an ASCII terminal can't show
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")
    try:
        try:
            return command()
        except UserError as err:
            return fail(prog, str(err))
        except KeyboardInterrupt:
            fail(prog, "interrupted")
            return INTERRUPTED
    except OSError as err:   # stdout itself: a full disk, say
        if err.errno not in (errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF):
            raise
        drop_stdout()
        return fail(prog, f"cannot write the output: {(err.strerror or str(err)).lower()}")


def fail(prog: str, message: str) -> int:
    """Print `prog: message.` on stderr; the exit status of a user's error, 2."""
    message = message.rstrip(".")
    with contextlib.suppress(OSError):  # stderr closed: the exit status still says it
        print(f"{prog}: {message}.", file=sys.stderr, flush=True)
    return 2
