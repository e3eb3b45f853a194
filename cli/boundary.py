"""The error boundary of gradreport: what a user can cause ends in one sentence.

`guarded(prog, command)` runs a command and turns a UserError into `prog: sentence.` on
stderr with exit status 2; any OSError into one sentence with its path and the reason in
plain words, and 2; Ctrl-C into `interrupted` and 130; SIGTERM and SIGHUP into one line
and 143 / 129, unwinding as Ctrl-C does (the output folder is left as it was).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import NoReturn

from backprop.errors import Stopped, UserError, escaped, os_reason, quoted

INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C (128 + SIGINT)
STOPPED = {signal.SIGTERM: "stopped by SIGTERM", signal.SIGHUP: "stopped by SIGHUP"}
LONG_WORD = 120  # characters: a longer run without a space in a message is cut (a path, 9999…)
_OUTPUT_ERRNOS = (errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF)


def guarded(prog: str, command: Callable[[], int]) -> int:
    """Run `command`; return its exit status, or 2 / 130 / 143 / 129 with one line on stderr.

    The signal handlers are this function's from its first line to its last, so a Ctrl-C
    while the command's modules import is `interrupted` too (import them in `command`).
    """
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, *STOPPED)}
    logging_off = _logging_disabled()  # the handlers turn logging off as they stop
    before: set[threading.Thread] = set()

    def prepared() -> int:  # all of it inside _run's try: a signal may come at any line
        _handle_signals()
        # Held back while stderr is reconfigured: stopped half way, it would print nothing.
        blocked = {signal.SIGINT, *STOPPED}
        signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            before.update(threading.enumerate())
            for stream in (sys.stdout, sys.stderr):  # a file name an ASCII terminal can't show
                with contextlib.suppress(AttributeError, ValueError):
                    stream.reconfigure(errors="backslashreplace")
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)
        return command()

    try:
        return _wait_for_threads(prog, _run(prog, prepared), before)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if _logging_disabled() != logging_off:
            import logging

            logging.disable(logging_off)


def _run(prog: str, command: Callable[[], int]) -> int:
    try:
        return command()
    except UserError as err:
        return fail(prog, str(err))
    except KeyboardInterrupt:
        _ignore_signals()  # a second Ctrl-C while this is said is not a traceback
        _forget_interrupt()
        fail(prog, "interrupted")
        return INTERRUPTED
    except Stopped as stop:
        _ignore_signals()
        fail(prog, STOPPED[stop.signum])
        return 128 + stop.signum
    except OSError as err:
        _ignore_signals()
        if err.filename is None and err.errno in _OUTPUT_ERRNOS:  # stdout: a full disk, say
            drop_stdout()
            return fail(prog, f"cannot write the output: {os_reason(err)}")
        return fail(prog, os_sentence(err))


def os_sentence(err: OSError) -> str:
    """An OSError as one sentence: the path (both, for a rename) and the reason in words."""
    paths = [os.fsdecode(p) for p in (err.filename, err.filename2) if p is not None]
    where = " -> ".join(paths)
    return f"{where}: {os_reason(err)}" if where else os_reason(err)


def fail(prog: str, message: str) -> int:
    """Print `prog: message.` on stderr; the exit status of a user's error, 2.

    The message is made one readable line: control characters (a newline in a file name
    or a script's exit message) are escaped, and a very long word is cut.
    """
    message = readable(message).rstrip(".")
    with contextlib.suppress(OSError, ValueError):  # stderr closed: the status still says it
        print(f"{prog}: {message}.", file=sys.stderr, flush=True)
    return 2


def readable(message: str) -> str:
    """`message` on one line: control characters escaped, words over LONG_WORD cut."""
    return " ".join(escaped(word) if len(word) <= LONG_WORD else _cut(word)
                    for word in message.split(" "))


def _cut(word: str) -> str:
    """'/tmp/aaaaa…' (5,000 characters): for a path or a value too long to read."""
    end = word[-1] if word[-1] in ":;,." else ""
    word = word.removesuffix(end)
    if len(word) > 1 and word[0] == word[-1] and word[0] in "'\"":  # quoted already
        word = word[1:-1]
    return quoted(word) + end


def _forget_interrupt() -> None:
    """Keep CPython from ending with SIGINT after our exit status 130.

    A Ctrl-C inside exec() of a string (dataclasses builds its methods so, as modules
    import) sets CPython's "unhandled KeyboardInterrupt" flag even when it is caught, and
    the interpreter then kills itself with SIGINT at exit. Each exec() of a string clears
    the flag first.
    """
    exec("None")


def _logging_disabled() -> int:
    logging = sys.modules.get("logging")  # not imported for it: a millisecond of start-up
    return logging.root.manager.disable if logging else 0


def _quiet_logging() -> None:
    """Logging off: WeasyPrint logs "Failed to render SVG image" as a signal unwinds it."""
    logging = sys.modules.get("logging")
    if logging:
        logging.disable(logging.CRITICAL)


def _importing(frame: FrameType | None) -> bool:
    """True while a module is being imported: some frame below is importlib's."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


_held = 0   # inside signals_held(): how deep


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait until the block is done, then stop the command as
    usual. For code an exception must not cut in two: Rich's Live, stopped by one inside
    start(), fails in stop() with "IndexError: pop from empty list" (seen under load, a
    SIGHUP as the spinner began)."""
    global _held
    _held += 1
    try:
        yield
    finally:
        _held -= 1


def _later(signum: int, frame: FrameType | None) -> bool:
    """Send `signum` again in 20 ms if it came while a module was being imported, or
    inside signals_held().

    An exception raised half way through `import torch` is not always ours to catch:
    torch's import catches some of them and goes on (the build then ended as if no Ctrl-C
    had come, status 0), or a half-initialised extension is imported again (a traceback).
    Once the import is done, the signal is handled as at any other moment.
    """
    if not (_held or _importing(frame)):
        return False
    threading.Timer(0.02, os.kill, (os.getpid(), signum)).start()
    return True


def _interrupt(signum: int, frame: FrameType | None) -> None:
    if _later(signum, frame):
        return
    _quiet_logging()
    raise KeyboardInterrupt


def _stop(signum: int, frame: FrameType | None) -> None:
    if _later(signum, frame):
        return
    _quiet_logging()
    raise Stopped(signum)


def _handle_signals() -> None:
    signal.signal(signal.SIGINT, _interrupt)
    for signum in STOPPED:
        signal.signal(signum, _stop)


def _ignore_signals() -> None:
    for signum in (signal.SIGINT, *STOPPED):
        signal.signal(signum, signal.SIG_IGN)


def _wait_for_threads(prog: str, status: int, before: set[threading.Thread]) -> int:
    """Wait, as python does at exit, for threads a user's script left running; Ctrl-C (or
    SIGTERM, SIGHUP) ends the wait as `interrupted`, not as a traceback and status 0.

    A command already stopped by a signal does not wait: it ends now, with its status.
    """
    def running() -> list[threading.Thread]:
        return [t for t in threading.enumerate()
                if t not in before and not t.daemon and t.is_alive()]

    if not running():
        return status
    if status > 128:  # said already; the threads would hold the interpreter's own exit
        _exit_now(status)
    _handle_signals()  # an error above set them to be ignored while it was said
    try:
        while threads := running():
            threads[0].join()
    except (KeyboardInterrupt, Stopped) as stop:
        _ignore_signals()
        signum = stop.signum if isinstance(stop, Stopped) else signal.SIGINT
        fail(prog, "interrupted" if signum == signal.SIGINT else STOPPED[signum])
        _exit_now(128 + signum)
    return status


def _exit_now(status: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


def end(prog: str, status: int) -> NoReturn:
    """End the process with `status` as the interpreter would, but without unloading its
    modules, which took 0.4 s after every command that had imported torch (nothing of ours
    waits for it): the exit handlers run (atexit, multiprocessing's, weakref finalizers),
    stdout is flushed, a failure to flush it is said (Python's own exit says it with
    status 120), and the process ends."""
    import atexit

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except OSError as err:
        drop_stdout()
        fail(prog, f"cannot write to standard output: {os_reason(err)}")
        status = status or 120
    except ValueError:   # closed: nothing is waiting to be written
        pass
    _exit_now(status)


def drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
