"""Which line of the student's file computed each tensor they returned (run in the child).

Their function runs once under `sys.settrace`. At every line event in a frame of their file
the line before it has just run: each tensor or NumPy array among the frame's locals (and
in a list, tuple or dict held by a local) that is new, or changed in place, is recorded
with that line. A returned tensor's line is the first recorded value of the same shape
that equals it at 5 significant digits; where none does, it has no line. A pass in the
column convention is matched against its values turned to ours.

A returned tensor that is itself one of those recorded (the same storage, not changed
since) is matched by that alone: a row of zeros, or δ_k = dL/db_k at batch 1, would
otherwise equal several. By value, a tensor whose entries are all one number matches none.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from types import FrameType

import torch

from backprop.check.contract import Submission
from backprop.compare import count_differ

MAX_ENTRIES = 5_000_000   # recorded numbers in all (40 MB in float64): past this, no more
MAX_ITEMS = 1_000         # entries of one list or dict looked into

# (line, a float64 copy, the identity of what was recorded, the value itself: kept alive,
# so that no later tensor can take its storage's address)
Recorded = tuple[int, torch.Tensor, "tuple | None", object]


def traced_call(function: Callable, args: tuple, path: str) -> tuple[object, list[Recorded]]:
    """`function(*args)` under the tracer: its result and the (line, tensor) recorded."""
    recorder = _Recorder(os.path.realpath(path))
    before = sys.gettrace()
    sys.settrace(recorder.on_call)
    try:
        result = function(*args)
    finally:
        sys.settrace(before)
    return result, recorder.found


def step_values(submission: Submission) -> dict[str, torch.Tensor]:
    """The student's tensors a step shows, keyed W3, b3, z.3, mask.3, h.3, delta.3, grad_h.3."""
    values = dict(submission.gradients)
    for kind, tensors in submission.intermediates.items():
        for k, tensor in enumerate(tensors, start=1):
            if tensor is not None:
                values[f"{kind}.{k}"] = tensor
                if kind == "z":
                    values[f"mask.{k}"] = tensor > 0
    return values


def find_lines(submission: Submission, found: list[Recorded]) -> dict[str, int]:
    """The line that computed each step value of `submission`, for those a line computed."""
    by_size: dict[int, list[tuple[int, torch.Tensor]]] = {}
    by_storage: dict[tuple, int] = {}
    for line, tensor, ident, _ in found:
        if submission.transposed and tensor.dim() == 2:
            # Their values are in the column convention (W as (out, in), h as columns):
            # ours are theirs turned, and a (d, 1) column is our (1, d) row.
            tensor = tensor.T.contiguous()
        by_size.setdefault(tensor.numel(), []).append((line, tensor))
        if ident is not None:
            by_storage.setdefault(ident, line)
    stacked = {size: (torch.stack([t.reshape(-1) for _, t in items]), items)
               for size, items in by_size.items()}
    lines = {}
    for key, value in step_values(submission).items():
        if _identity(value) in by_storage:
            lines[key] = by_storage[_identity(value)]
            continue
        flat = value.reshape(-1)
        if value.numel() not in stacked or bool((flat == flat[0]).all()):
            continue
        matrix, items = stacked[value.numel()]
        flat = value.reshape(-1).to(torch.float64)
        # A cheap sieve over every recorded value at once; the exact rule decides after.
        close = ((matrix - flat).abs() <= 1e-4 * torch.maximum(matrix.abs(), flat.abs())) | (
            matrix == flat)
        for row in torch.nonzero(close.all(dim=1)).reshape(-1).tolist():
            line, tensor = items[row]
            if _same_shape(tensor, value) and count_differ(matrix[row], flat) == 0:
                lines[key] = line
                break
    return lines


def _identity(value: object) -> tuple | None:
    """(storage address, entries, version) of a tensor: detach() and reshape keep all three."""
    if not isinstance(value, torch.Tensor) or value.dtype == torch.bool:
        return None
    return value.data_ptr(), value.numel(), value._version


def _same_shape(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Equal shapes, or equal once sizes of 1 are dropped (a bias as (out,) or (1, out))."""
    return a.shape == b.shape or [s for s in a.shape if s != 1] == [s for s in b.shape if s != 1]


class _Recorder:
    """The trace function: records what each line of the student's file assigned."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[Recorded] = []
        self.entries = 0
        self.theirs: dict[str, bool] = {}                   # filename -> in their file
        self.previous: dict[FrameType, int] = {}            # the line a frame ran last
        self.seen: dict[FrameType, dict[str, tuple]] = {}   # what each local held then

    def on_call(self, frame: FrameType, event: str, arg: object) -> Callable | None:
        """Trace the lines of frames in their file only: torch's own are not theirs."""
        name = frame.f_code.co_filename
        if name not in self.theirs:
            self.theirs[name] = os.path.realpath(name) == self.path
        return self.on_line if self.theirs[name] else None

    def on_line(self, frame: FrameType, event: str, arg: object) -> Callable | None:
        """The line before this one has run: record what it changed."""
        if event in ("line", "return"):
            self._scan(frame)
            if event == "line":
                self.previous[frame] = frame.f_lineno
            else:
                self.previous.pop(frame, None)
                self.seen.pop(frame, None)
        return self.on_line

    def _scan(self, frame: FrameType) -> None:
        line = self.previous.get(frame)
        seen = self.seen.setdefault(frame, {})
        for key, value in _arrays(frame.f_locals):
            mark = _fingerprint(value)
            old = seen.get(key)
            if old is not None and old[:2] == mark[:2]:
                continue
            seen[key] = mark   # holds the value: its id cannot be reused meanwhile
            size = value.numel() if isinstance(value, torch.Tensor) else getattr(value, "size", 0)
            if line is not None and self.entries + int(size) <= MAX_ENTRIES:
                tensor = _as_float64(value)
                if tensor is not None:
                    self.entries += tensor.numel()
                    self.found.append((line, tensor, _identity(value), value))


def _arrays(local: dict) -> Iterator[tuple[str, object]]:
    """(name, value) of each tensor or array among `local`'s values and one level into them."""
    for name, value in list(local.items()):
        if _is_array(value):
            yield name, value
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value[:MAX_ITEMS]):
                if _is_array(item):
                    yield f"{name}[{i}]", item
        elif isinstance(value, dict):
            for i, (key, item) in enumerate(value.items()):
                if i >= MAX_ITEMS:
                    break
                if _is_array(item):
                    yield f"{name}[{key!r}]", item


def _is_array(value: object) -> bool:
    return isinstance(value, torch.Tensor) or type(value).__name__ == "ndarray"


def _fingerprint(value: object) -> tuple:
    """(id, version, value): a tensor changed in place has a new version; an array, new bytes."""
    if isinstance(value, torch.Tensor):
        return id(value), value._version, value
    try:
        return id(value), hash(value.tobytes()), value
    except (AttributeError, ValueError, TypeError):
        return id(value), None, value


def _as_float64(value: object) -> torch.Tensor | None:
    """A float64 copy of a real tensor or array; None for anything else (complex, objects)."""
    try:
        if isinstance(value, torch.Tensor):
            tensor = value.detach().cpu()
        else:
            import numpy as np

            array = np.asarray(value)
            if array.dtype.kind not in "biuf":
                return None
            tensor = torch.from_numpy(array.astype(np.float64))
        if tensor.is_complex() or tensor.numel() == 0:
            return None
        return tensor.to(torch.float64).clone()
    except (TypeError, ValueError, RuntimeError):
        return None
