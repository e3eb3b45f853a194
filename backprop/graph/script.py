"""The graph of a variable of the user's own script: "run the following code" may be any code."""

from __future__ import annotations

import builtins
import dataclasses
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

import torch

from backprop.errors import Stopped
from backprop.graph.build import check_output, graph_of
from backprop.graph.capture import module_names, module_types, recording
from backprop.graph.records import Graph, GraphError
from backprop.textfile import read_text_file

_REAL_EXIT = os._exit  # the script's os._exit raises while it runs; a forked child needs this


def graph_of_script(path: str | Path, var: str = "loss", render: bool = True) -> Graph:
    """Run the script at `path` and graph its one-element tensor named `var`.

    Raises TextFileError when the file cannot be read, GraphError for anything else.
    """
    path = Path(path)
    with recording() as made:  # each node's source line, and the tensor it created
        namespace = run_script(path)
    if var not in namespace:
        graphs = [k for k, v in namespace.items()
                  if torch.is_tensor(v) and v.grad_fn is not None and not k.startswith("_")]
        hint = f" (tensors with a graph: {', '.join(graphs[:6])})" if graphs else ""
        raise GraphError(f"{path} defines no variable {var!r}{hint}")
    output = namespace[var]
    try:
        check_output(output, var)
    except GraphError as err:
        raise GraphError(f"{path}: {err}") from None
    params, values = names_in(namespace)
    graph = graph_of(output, params, name=var, values=values, render=render, made=made,
                     files=(str(path),), modules=module_names(namespace))
    return dataclasses.replace(graph, module_types=module_types(namespace))


def run_script(path: Path) -> dict[str, object]:
    """Run a Python file as `python path` would; its global variables, or GraphError.

    The script may change the working directory, sys.argv and sys.path, or call os._exit:
    all are restored or intercepted, so the caller carries on where it was.
    """
    source = read_text_file(path, "a Python script")
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as err:
        where = f" at line {err.lineno}" if err.lineno else ""  # None for null bytes
        raise GraphError(f"{path} is not valid Python: {err.msg}{where}") from None
    except ValueError as err:  # null bytes, on Pythons before 3.12
        raise GraphError(f"{path} is not a Python script ({err})") from None
    # What runpy.run_path does for a file, but the namespace survives a sys.exit(0).
    namespace: dict[str, object] = {"__name__": "__main__", "__file__": str(path),
                                    "__builtins__": builtins}
    argv, syspath, cwd = sys.argv[:], sys.path[:], os.getcwd()
    sys.argv = [str(path)]
    sys.path.insert(0, str(path.resolve().parent))  # its own modules import, as with python
    exits: list[int] = []  # os._exit calls, also from the script's threads
    try:
        with _own_streams(), _os_exit_raises(exits):
            _exec_in_this_process(code, namespace)
    except SystemExit as stop:
        _check_exit(path, stop.code)
    except (KeyboardInterrupt, Stopped):
        raise  # the command line reports it as "interrupted" (or "stopped by SIGTERM")
    except BaseException as err:  # a script may raise anything, not only an Exception
        raise GraphError(f"{path} failed{_where(err, path)}: {_first_line(err)}") from None
    finally:
        sys.argv, sys.path[:] = argv, syspath
        _return_to(cwd, path)
    if exits:  # called in another thread, where SystemExit ends only that thread
        _check_exit(path, exits[0])
    return namespace


def _exec_in_this_process(code: object, namespace: dict[str, object]) -> None:
    """exec the script; a child it forked (os.fork) ends where the script does, as under
    python, instead of going on to print our table and write our files a second time."""
    pid = os.getpid()
    try:
        exec(code, namespace)
    except BaseException as err:
        if os.getpid() != pid:
            _end_child(err)
        raise
    if os.getpid() != pid:
        _end_child(None)


def _end_child(err: BaseException | None) -> None:
    """End a forked child as python ends a script: its exit status, or a traceback and 1."""
    status = 0
    if isinstance(err, SystemExit):
        if isinstance(err.code, int) or err.code is None:
            status = err.code or 0
        else:
            print(err.code, file=sys.stderr)
            status = 1
    elif err is not None:
        traceback.print_exception(err)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    _REAL_EXIT(status)


@contextmanager
def _own_streams() -> Iterator[None]:
    """The script may close or replace sys.stdout and sys.stderr (or fds 1 and 2): ours are
    back for our own output once it ends."""
    streams = {1: sys.stdout, 2: sys.stderr}
    copies = {}
    for fd in streams:
        with suppress(OSError):
            copies[fd] = os.dup(fd)
    try:
        yield
    finally:
        for fd, copy in copies.items():
            try:
                os.fstat(fd)
            except OSError:  # os.close(1) in the script
                os.dup2(copy, fd)
            os.close(copy)
        # getattr: a stand-in stream (Textual's print capture, say) may have no `closed`
        sys.stdout, sys.stderr = (_reopened(stream, fd) if getattr(stream, "closed", False)
                                  else stream for fd, stream in streams.items())


def _reopened(stream: TextIO, fd: int) -> TextIO:
    """A new text stream on `fd` with `stream`'s encoding, for a stream the script closed."""
    return open(fd, "w", encoding=getattr(stream, "encoding", None) or "utf-8",
                errors=getattr(stream, "errors", None) or "backslashreplace", closefd=False,
                buffering=1 if getattr(stream, "line_buffering", False) else -1)


def _return_to(cwd: str, path: Path) -> None:
    """Go back to the working folder the script may have left (os.chdir)."""
    try:
        os.chdir(cwd)
    except OSError as err:
        raise GraphError(f"{path} left the working folder {cwd}, which cannot be entered "
                         f"again ({err.strerror})") from None


def _check_exit(path: Path, code: object) -> None:
    """Nothing for a successful exit; GraphError saying how the script stopped otherwise."""
    if code is None or code == 0:
        return
    if isinstance(code, int):  # sys.exit(True) exits with status 1
        raise GraphError(f"{path} exited with status {int(code)}")
    raise GraphError(f"{path} stopped: {code}")  # sys.exit("message") prints the message


@contextmanager
def _os_exit_raises(calls: list[int]) -> Iterator[None]:
    """While the script runs, os._exit(n) raises SystemExit(n) instead of ending us silently.

    Each status is appended to `calls`. Only in this process: a child the script forks
    (multiprocessing, DataLoader workers) must still end for real when it calls os._exit.
    """
    real_exit, pid = _REAL_EXIT, os.getpid()

    def exit_(code: int) -> None:
        if os.getpid() != pid:
            real_exit(code)
        calls.append(code)
        raise SystemExit(code)

    os._exit = exit_
    try:
        yield
    finally:
        os._exit = real_exit


def _where(err: BaseException, path: Path) -> str:
    """' at line N', the last line of the script in the traceback."""
    lines = [f.lineno for f in traceback.extract_tb(err.__traceback__) if f.filename == str(path)]
    return f" at line {lines[-1]}" if lines else ""


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


def names_in(namespace: dict[str, object]) -> tuple[dict[str, torch.Tensor],
                                                   dict[str, torch.Tensor]]:
    """(parameters, other tensors) by the script's own names, in definition order."""
    params: dict[str, torch.Tensor] = {}
    values: dict[str, torch.Tensor] = {}

    def add(name: str, value: object) -> None:
        if torch.is_tensor(value):
            is_param = value.is_leaf and value.requires_grad
            (params if is_param else values).setdefault(name, value)

    for name, value in namespace.items():
        if name.startswith("__"):
            continue
        if isinstance(value, torch.nn.Module):
            for inner, param in value.named_parameters():
                add(f"{name}.{inner}", param)
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value[:10_000]):
                add(f"{name}[{i}]", item)
        else:
            add(name, value)
    return params, values
