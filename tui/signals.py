"""How gradtui stops on a signal: the terminal restored, one line, exit status 128 + n.

Before the app's event loop runs, a signal raises Stopped; once it runs, the loop's own
handlers end the app the ordinary way, so that Textual leaves the alternate screen.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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
    """From inside the running loop: call `stop(signum)` on the loop when a signal comes."""
    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        loop.add_signal_handler(signum, stop, signum)


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
