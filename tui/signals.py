"""How gradtui stops on a signal: the terminal restored, one line, exit status 128 + n.

Before the app's event loop runs, a signal raises Stopped; once it runs, a signal ends the
app the ordinary way, so that Textual leaves the alternate screen. The ordinary way can
hang: Textual's shutdown waits on its writer thread, which waits on a terminal that may be
gone or unread (seen under load after SIGHUP: the main thread in WriterThread.stop's
Queue.put). So a signal also starts a watchdog that ends the process a few seconds later
whatever it is waiting on, and the handler is Python's, not the loop's: it runs even while
the main thread is blocked there (a lock's wait is interrupted for it), where the loop's
would wait for the loop forever.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
WATCHDOG = 3.0   # seconds from a signal to the exit, at the most
# Leave the alternate screen, show the cursor, stop mouse reports: what Textual would undo.
RESET = b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1003l\x1b[?1006l"


class Stopped(Exception):
    """A signal stopped gradtui."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def exit_status(signum: int) -> int:
    """The shell's status for a process ended by `signum`: 130, 143, 129."""
    return 128 + signum


def stopped_line(signum: int) -> str:
    """The one line printed on the way out: `gradtui: stopped by SIGTERM.`"""
    return f"gradtui: stopped by {signal.Signals(signum).name}."


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


def raise_on_signals() -> None:
    """Until the app's loop takes over, a signal raises Stopped."""
    for signum in SIGNALS:
        signal.signal(signum, _raise)


def on_signals(stop: Callable[[int], None]) -> None:
    """From inside the running loop: call `stop(signum)` on the loop when a signal comes,
    and make sure the process has ended WATCHDOG seconds later."""
    loop = asyncio.get_running_loop()

    def handle(signum: int, frame: FrameType | None) -> None:
        exit_within(WATCHDOG, signum)
        loop.call_soon_threadsafe(stop, signum)

    for signum in SIGNALS:
        signal.signal(signum, handle)


_watchdog = threading.Lock()


def exit_within(seconds: float, signum: int) -> None:
    """End the process with 128 + `signum` in `seconds`, if it has not ended by then."""
    if not _watchdog.acquire(blocking=False):
        return   # one watchdog is enough; the first signal's status stands

    def watch() -> None:
        time.sleep(seconds)
        _last_words(stopped_line(signum))
        os._exit(exit_status(signum))

    threading.Thread(target=watch, name="gradtui-exit-watchdog", daemon=True).start()


def _last_words(line: str) -> None:
    """Reset the screen and say why, without ever blocking on a terminal nobody reads."""
    try:
        os.set_blocking(2, False)
        os.write(2, RESET + f"{line}\n".encode())
    except OSError:
        pass   # the terminal is gone (SIGHUP) or full: nothing more to do for it


def leave(status: int) -> int:
    """Exit with `status` now, even while a run is still being computed in a thread.

    Python would first wait for the thread (seconds, for a big run) with the screen already
    gone; nothing it computes is needed once the app has ended.
    """
    if threading.active_count() > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status
