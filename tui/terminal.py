"""What gradtui needs of its terminal, checked before Textual starts; keys typed too early.

Textual reads keys from stdin and draws on stderr (not stdout), so all three must be the
terminal. A terminal that cannot place the cursor (TERM=dumb) left Textual redrawing in
a loop at full CPU, deaf to q: it is refused with a sentence instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

POOR_TERMS = ("dumb", "unknown")


def terminal_problem() -> str | None:
    """One sentence on why this terminal cannot run gradtui, or None when it can."""
    if not (sys.stdin.isatty() and sys.stdout.isatty() and sys.stderr.isatty()):
        # Else Textual would wait for keys that never come, or draw into a file.
        return ("needs a terminal: its input, output and error output cannot be a file or "
                "a pipe (gradreport build writes the same numbers to files)")
    term = os.environ.get("TERM", "")
    if term in POOR_TERMS:
        return (f"needs a terminal that can move the cursor and show colours, and TERM is "
                f"{term!r}: run it in a terminal emulator or set TERM (e.g. TERM=xterm-256color)")
    return None


try:
    import termios
except ImportError:   # not POSIX: no terminal settings to change
    termios = None  # type: ignore[assignment]

# Not a terminal (a test's pipe), or one gone away (SIGHUP): nothing to change or restore.
NO_TTY = (OSError, ValueError) + ((termios.error,) if termios else ())


@contextmanager
def keys_unechoed() -> Iterator[None]:
    """Keys typed while gradtui starts are not echoed; the terminal's settings are restored
    afterwards (Textual restores only the settings it found, these)."""
    try:
        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except (*NO_TTY, AttributeError):
        yield
        return
    try:
        yield
    finally:
        with suppress(NO_TTY):
            termios.tcsetattr(fd, termios.TCSANOW, saved)


def drop_typed_ahead() -> None:
    """Forget keys typed before the app can use them (they would act on the wrong screen)."""
    with suppress(*NO_TTY, AttributeError):
        termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
