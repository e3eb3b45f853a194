"""Helpers the tests share: running the programs (in this process, or in a new one as a
user would), and comparing tensors bit for bit."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = {"gradreport": "cli.gradreport", "gradtui": "cli.gradtui"}


@dataclass(frozen=True)
class Ran:
    """How a program ended: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """os.environ with `values` set, as it was again afterwards."""
    old = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def in_process(main: Callable[[Sequence[str]], int], *args: object,
               env: dict[str, str] | None = None) -> Ran:
    """Call a program's `main(argv)` here, its output captured: no new interpreter, no
    second import of torch. Rich reads a non-terminal's width from COLUMNS (120 here)."""
    out, err = io.StringIO(), io.StringIO()
    with environment({"COLUMNS": "120", **(env or {})}), redirect_stdout(out), \
            redirect_stderr(err):
        code = main([str(a) for a in args])
    return Ran(code, out.getvalue(), err.getvalue())


def gradreport(*args: object, env: dict[str, str] | None = None) -> Ran:
    """`gradreport ARGS` in this process."""
    from cli.gradreport import main

    return in_process(main, *args, env=env)


def program(name: str, *args: object, env: dict[str, str] | None = None,
            cwd: str | Path | None = None, timeout: float = 300,
            **options) -> subprocess.CompletedProcess:
    """`gradreport ARGS` or `gradtui ARGS` in a new interpreter, as a user runs it."""
    return python("-m", PROGRAMS[name], *args, env=env, cwd=cwd, timeout=timeout, **options)


def python(*args: object, env: dict[str, str] | None = None, cwd: str | Path | None = None,
           timeout: float = 300, **options) -> subprocess.CompletedProcess:
    """`python ARGS` in a new interpreter with text output captured (unless redirected)."""
    options.setdefault("capture_output", "stdout" not in options and "stderr" not in options)
    options.setdefault("text", True)
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, timeout=timeout,
                          env={**os.environ, "COLUMNS": "120", **(env or {})}, **options)


def same_bits(a: torch.Tensor, b: torch.Tensor) -> bool:
    """True when two tensors have the same shape, dtype and every bit."""
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype == torch.bool:
        return torch.equal(a, b)
    view = {torch.float32: torch.int32, torch.float64: torch.int64}[a.dtype]
    return torch.equal(a.view(view), b.view(view))
