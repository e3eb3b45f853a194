"""The line of the user's code that created each node, from anomaly mode's forward traceback.

Under torch.autograd.set_detect_anomaly(True) every node keeps the stack of the forward call
that created it in metadata["traceback_"]; its last frame in the user's file is the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>[^\n]+)\n'
                    r'(?:\s*(?P<code>[^\n]*))?')


@dataclass(frozen=True)
class SourceLine:
    """Where a node was created: a file, a line number and the line's text."""

    file: str
    line: int
    code: str


def source_of(node: object, files: tuple[str, ...] = ()) -> SourceLine | None:
    """The creating line: the last frame in one of `files` (any file when empty)."""
    metadata = getattr(node, "metadata", None)
    frames = metadata.get("traceback_") if isinstance(metadata, dict) else None
    if not frames:
        return None
    text = "".join(frames) if isinstance(frames, list) else str(frames)
    found = None
    for match in _FRAME.finditer(text):
        if not files or match["file"] in files:
            found = SourceLine(match["file"], int(match["line"]), (match["code"] or "").strip())
    return found
