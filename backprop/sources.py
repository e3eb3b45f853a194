"""The source of the functions that ran, as the report lists them (read with inspect).

The code shown is the code that ran: each listing is read from its function on disk,
with the path it has among the packages (`backprop/manual.py`, in a checkout and in an
installed wheel alike) and the file line it starts on.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import backprop
from backprop import autograd, problem
from backprop.steps import manual_source, marker_lines

PACKAGES = Path(backprop.__file__).resolve().parent.parent


@dataclass(frozen=True)
class Source:
    """One function's source: its file among the packages, its text, where it starts."""

    title: str                   # "manual_pass", "make_problem"
    path: str                    # "backprop/manual.py"
    text: str
    first_line: int
    marks: tuple[int, ...] = ()  # the file lines of its marker comments


def sources() -> dict[str, Source]:
    """The listings of the report: the hand-written pass, then the problem and autograd."""
    text, first = manual_source()
    found = {"manual_pass": Source("manual_pass", "backprop/manual.py", text, first,
                                   tuple(sorted(marker_lines().values())))}
    functions: tuple[Callable, ...] = (problem.make_problem, autograd.build_graph,
                                       autograd.reference_pass)
    for function in functions:
        lines, start = inspect.getsourcelines(function)
        found[function.__name__] = Source(function.__name__, _path(function), "".join(lines),
                                          start)
    return found


def _path(function: Callable) -> str:
    path = Path(inspect.getfile(function)).resolve()
    return (path.relative_to(PACKAGES) if path.is_relative_to(PACKAGES)
            else Path(path.name)).as_posix()
