"""Running the student's function in a child process, with a time and a memory limit.

All configs run in one child, so torch is imported there once. The parent waits at most
`timeout` seconds for each call (and for loading the file), kills the child's whole
process group when one takes longer, and turns every way the child can end into one
sentence: an exception (with the student's traceback, trimmed to their file), running out
of memory, a crash, sys.exit or os._exit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from backprop.check.loader import Target
from backprop.check.sweep import where
from backprop.check.wire import Reader, WireError
from backprop.config import RunConfig
from backprop.errors import UserError

if TYPE_CHECKING:   # torch: imported beside the child's own import, in a thread
    from backprop.check.contract import Submission

MEMORY_LIMIT = 4 << 30   # the student's process; torch itself needs well under 1 GiB
OUTPUT_CAP = 10_000      # characters of what the student prints that are kept
STARTUP = 120.0          # seconds for the child to import torch on a busy machine


class CheckError(UserError):
    """The student's function could not be checked; `traceback` is theirs, trimmed."""

    def __init__(self, message: str, traceback: str | None = None) -> None:
        super().__init__(message)
        self.traceback = traceback


def run_in_child(target: Target, configs: Sequence[RunConfig], timeout: float,
                 memory: int = MEMORY_LIMIT) -> tuple[list[Submission], str, int]:
    """The student's result on every config, and what it printed (kept, and how much)."""
    return _run(target, configs, timeout, memory, trace=False)[:3]


def run_traced(target: Target, configs: Sequence[RunConfig], timeout: float,
               memory: int = MEMORY_LIMIT, cancelled: Callable[[], bool] = lambda: False,
               first: Callable[[Submission, dict[str, int]], None] | None = None
               ) -> tuple[list[Submission], str, int, dict[str, int]]:
    """As run_in_child, and the line of their file that computed each value of the first
    config (keys as `backprop.check.lines.step_values`'); the first call is traced.

    When `cancelled()` turns true (a screen closing), the child is killed and Cancelled
    raised. `first(submission, lines)` is called as soon as the first config's result is in.
    """
    return _run(target, configs, timeout, memory, trace=True, cancelled=cancelled,
                first=first)


class Cancelled(Exception):
    """The check was given up by whoever asked for it; the child has been killed."""


def _run(target: Target, configs: Sequence[RunConfig], timeout: float, memory: int,
         trace: bool, cancelled: Callable[[], bool] = lambda: False,
         first: Callable[[Submission, dict[str, int]], None] | None = None
         ) -> tuple[list[Submission], str, int, dict[str, int]]:
    read_end, write_end = os.pipe()
    job = {"fd": write_end, "path": str(target.path), "function": target.function,
           "configs": [c.describe() for c in configs], "memory": memory, "cap": OUTPUT_CAP,
           "trace": trace}
    child = subprocess.Popen([sys.executable, "-m", "backprop.check.child"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, pass_fds=(write_end,),
                             start_new_session=True)   # a group of its own, killed whole
    os.close(write_end)
    # torch is needed here only for the results: import it while the child imports its own
    threading.Thread(target=importlib.import_module, args=("backprop.check.core",),
                     daemon=True).start()
    try:
        child.stdin.write(json.dumps(job).encode())
        child.stdin.close()
        return _collect(child, read_end, target, configs, timeout, cancelled, first)
    finally:
        os.close(read_end)
        _kill(child)


def _collect(child: subprocess.Popen, fd: int, target: Target, configs: Sequence[RunConfig],
             timeout: float, cancelled: Callable[[], bool],
             first: Callable[[Submission, dict[str, int]], None] | None = None
             ) -> tuple[list[Submission], str, int, dict[str, int]]:
    # A result is the gradients and at most four intermediates per layer, in float64.
    reader = Reader(max_bytes=max(8 * (c.parameters + 4 * c.batch * c.d * c.layers)
                                  for c in configs))
    found: dict[int, Submission] = {}
    lines: dict[str, int] = {}
    stage, deadline = None, time.monotonic() + STARTUP
    name = target.path.name
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            _kill(child)
            if stage is None:
                raise CheckError(f"the process for the check did not start within "
                                 f"{STARTUP:g} s.")
            what = (f"loading {name} did not finish" if stage == "load" else
                    f"{where(configs, stage)}, your {target.function} did not return")
            raise CheckError(f"{what} within {timeout:g} s (the limit is --timeout).")
        if cancelled():
            raise Cancelled
        if not select.select([fd], [], [], min(left, 0.1))[0]:
            continue
        data = os.read(fd, 1 << 20)
        if not data:
            break
        try:
            messages = reader.feed(data)
        except WireError as err:
            raise CheckError(f"the process running {name} sent garbage ({err}).") from None
        for header, tensors in messages:
            kind = header.get("kind")
            if kind == "ready":
                stage, deadline = "load", time.monotonic() + timeout
            elif kind == "start":
                stage, deadline = int(header["index"]), time.monotonic() + timeout
            elif kind == "result":
                index = int(header["index"])
                found[index] = _submission(tensors, configs[index],
                                           header.get("transposed") is True)
                if index == 0:
                    lines = _lines(header.get("lines"), target)
                    if first is not None:
                        first(found[0], lines)
            elif kind == "error":
                raise _error(header, target, configs)
            elif kind == "done":
                if len(found) != len(configs):
                    break
                return [found[i] for i in range(len(configs))], str(header["output"]), \
                    int(header["printed"]), lines
    status = child.wait()
    at = f"while loading {name}" if stage in (None, "load") else where(configs, stage)
    if status < 0:
        raise CheckError(f"{at}, your code crashed the process it ran in "
                         f"({signal.Signals(-status).name}).")
    raise CheckError(f"{at}, your code ended the process it ran in "
                     f"(exit status {status}, as os._exit({status}) does).")


def _submission(tensors: dict, config: RunConfig, transposed: bool) -> Submission:
    """Rebuild and re-check a result from the child: what it sent is not trusted."""
    from backprop.check.contract import normalise
    from backprop.problem import make_problem

    n = config.layers
    grads = {key: tensors[key] for key in tensors if "." not in key}
    extra: dict[str, list] = {}
    for key, tensor in tensors.items():
        if "." in key:
            kind, _, layer = key.partition(".")
            extra.setdefault(kind, [None] * n)[int(layer) - 1] = tensor
    try:
        checked = normalise((grads, extra) if extra else grads, make_problem(config))
        return dataclasses.replace(checked, transposed=transposed)
    except (UserError, ValueError, IndexError) as err:
        raise CheckError(f"the process running the check sent a bad result ({err}).") from None


def _lines(sent: object, target: Target) -> dict[str, int]:
    """The child's line numbers, kept only where they are lines of the file (not trusted)."""
    if not isinstance(sent, dict):
        return {}
    count = len(target.path.read_text("utf-8", errors="replace").splitlines())
    return {str(key): line for key, line in sent.items()
            if type(line) is int and 1 <= line <= count}


def _error(header: dict, target: Target, configs: Sequence[RunConfig]) -> CheckError:
    index, message = header.get("index"), str(header.get("message") or "")
    name = target.path.name
    if message == "no-function":
        return CheckError(f"{name} defines no function {target.function!r} once it has run.")
    at = f"while loading {name}" if index is None else where(configs, int(index))
    if header.get("traceback"):
        return CheckError(f"{at}, your code raised {header.get('exception')} (its traceback, "
                          f"trimmed to {name}, is above).", str(header["traceback"]))
    subject = "your code" if index is None else f"your {target.function}"
    if message.startswith("your "):
        return CheckError(f"{at}, {message}")
    return CheckError(f"{at}, {subject} {message}.")


def _kill(child: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)   # what it started too, even once it has ended
    child.wait()
