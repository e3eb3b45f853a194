"""The child process that runs the student's function: `python -m backprop.check.child`.

It reads its job (file, function, configs, limits) as JSON on stdin, limits its own memory,
captures what the student prints, and sends every result to the parent through a pipe
(`backprop.check.wire`). It never judges anything: the parent does, with its own autograd.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import resource
import sys
import traceback
from pathlib import Path


class Capped(io.TextIOBase):
    """A text stream that keeps the first `cap` characters written to it and counts the rest."""

    def __init__(self, cap: int) -> None:
        self.cap, self.kept, self.count = cap, [], 0

    def write(self, text: str) -> int:
        """Keep what fits, count all of it."""
        text = str(text)
        room = self.cap - min(self.count, self.cap)
        if room:
            self.kept.append(text[:room])
        self.count += len(text)
        return len(text)

    def text(self) -> str:
        """What was kept."""
        return "".join(self.kept)


def trimmed_traceback(err: BaseException, path: str) -> str:
    """The traceback of `err` with only the frames in the student's file."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if os.path.realpath(f.filename) == path]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames),
             *traceback.format_exception_only(type(err), err)]
    return "".join(lines).rstrip("\n")


def last_line(err: BaseException, path: str) -> str:
    """', at mine.py line 5' for the last frame of `err` in the student's file, or ''."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if os.path.realpath(f.filename) == path]
    return f", at {Path(path).name} line {frames[-1].lineno}" if frames else ""


def out_of_memory(err: BaseException) -> bool:
    """True for the errors an allocation past the memory limit raises (Python, torch, NumPy)."""
    return isinstance(err, MemoryError) or (
        isinstance(err, RuntimeError) and ("can't allocate memory" in str(err)
                                           or "not enough memory" in str(err)))


def main() -> None:
    """Run the job on stdin; every outcome is a message to the parent."""
    job = json.loads(sys.stdin.read())
    fd, path, memory = job["fd"], os.path.realpath(job["path"]), job["memory"]
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    captured = Capped(job["cap"])
    sys.stdout = sys.stderr = captured   # a print is theirs to make, not ours to show in full
    sys.stdin = io.StringIO()

    import torch

    from backprop.check import wire
    from backprop.check.contract import SubmissionError, inputs, normalise
    from backprop.config import RunConfig
    from backprop.problem import make_problem

    def fail(index: int | None, err: BaseException | None, message: str = "") -> None:
        if err is not None and out_of_memory(err):
            message = (f"ran out of memory (the limit is {memory >> 30} GiB)"
                       f"{last_line(err, path)}")
            err = None
        elif isinstance(err, SystemExit):
            message, err = f"called sys.exit({err.code!r}){last_line(err, path)}", None
        wire.send(fd, {"kind": "error", "index": index, "message": message,
                       "traceback": None if err is None else trimmed_traceback(err, path),
                       "exception": None if err is None else type(err).__name__,
                       "output": captured.text(), "printed": captured.count})
        os._exit(0)

    torch.set_num_threads(1)   # small tensors: threads only cost time on a busy machine
    wire.send(fd, {"kind": "ready"})
    sys.path.insert(0, str(Path(path).parent))   # their own imports, as `python mine.py` has
    try:
        spec = importlib.util.spec_from_file_location(Path(path).stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except BaseException as err:
        fail(None, err)
    function = getattr(module, job["function"], None)
    if not callable(function):
        fail(None, None, "no-function")
    wire.send(fd, {"kind": "loaded"})
    for index, described in enumerate(job["configs"]):
        problem = make_problem(RunConfig.parse(described))
        wire.send(fd, {"kind": "start", "index": index})
        found = None
        try:
            if job.get("trace") and index == 0:   # gradtui --check: the line of each value
                from backprop.check.lines import find_lines, traced_call

                result, found = traced_call(function, inputs(problem), path)
                submission = normalise(result, problem)
            else:
                submission = normalise(function(*inputs(problem)), problem)
        except SubmissionError as err:
            fail(index, None, str(err))
        except BaseException as err:
            fail(index, err)
        tensors = dict(submission.gradients)
        for key, values in submission.intermediates.items():
            tensors.update({f"{key}.{k}": t for k, t in enumerate(values, start=1)
                            if t is not None})
        extra = {} if found is None else {"lines": find_lines(submission, found)}
        wire.send(fd, {"kind": "result", "index": index,
                       "transposed": submission.transposed, **extra}, tensors)
    wire.send(fd, {"kind": "done", "output": captured.text(), "printed": captured.count})
    os._exit(0)   # their threads and atexit handlers are not ours to wait for


if __name__ == "__main__":
    main()
