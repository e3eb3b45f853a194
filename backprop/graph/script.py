"""The graph of a variable of the user's own script: "run the following code" may be any code."""

from __future__ import annotations

import builtins
import sys
import traceback
from pathlib import Path

import torch

from backprop.graph.build import check_output, graph_of
from backprop.graph.records import Graph, GraphError


def graph_of_script(path: str | Path, var: str = "loss", render: bool = True) -> Graph:
    """Run the script at `path` and graph its one-element tensor named `var`."""
    path = Path(path)
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
    return graph_of(output, params, name=var, values=values, render=render)


def run_script(path: Path) -> dict[str, object]:
    """Run a Python file as `python path` would; its global variables, or GraphError."""
    try:
        source = path.read_bytes()
    except FileNotFoundError:
        raise GraphError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise GraphError(f"{path} is a folder, not a Python script") from None
    except OSError as err:
        raise GraphError(f"{path} cannot be read ({err.strerror})") from None
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as err:
        raise GraphError(f"{path} is not valid Python: {err.msg} at line {err.lineno}") from None
    except ValueError as err:  # e.g. null bytes
        raise GraphError(f"{path} is not a Python script ({err})") from None
    # What runpy.run_path does for a file, but the namespace survives a sys.exit(0).
    namespace: dict[str, object] = {"__name__": "__main__", "__file__": str(path),
                                    "__builtins__": builtins}
    argv, syspath = sys.argv[:], sys.path[:]
    sys.argv = [str(path)]
    sys.path.insert(0, str(path.resolve().parent))  # its own modules import, as with python
    try:
        exec(code, namespace)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise GraphError(f"{path} exited with status {stop.code}") from None
    except Exception as err:
        raise GraphError(f"{path} failed{_where(err, path)}: {_first_line(err)}") from None
    finally:
        sys.argv, sys.path[:] = argv, syspath
    return namespace


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
