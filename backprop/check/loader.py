"""Finding the student's function: `mine.py[:func]`, checked before any of it runs."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from backprop.errors import UserError
from backprop.textfile import read_text_file

DEFAULT_FUNCTION = "backward"


@dataclass(frozen=True)
class Target:
    """The student's file and the name of their function in it."""

    path: Path
    function: str

    @property
    def spec(self) -> str:
        """As the user wrote it: 'mine.py' or 'mine.py:my_func'."""
        return str(self.path) + ("" if self.function == DEFAULT_FUNCTION else
                                 f":{self.function}")


def parse_target(text: str) -> Target:
    """Split 'mine.py[:func]'; the file must hold Python that compiles and names `func`."""
    path, sep, function = text.rpartition(":")
    if not sep or not function.isidentifier() or not path:
        path, function = text, DEFAULT_FUNCTION
    source = read_text_file(path, "a Python file")
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as err:
        raise UserError(f"{path}, line {err.lineno}: {err.msg} (the file is not valid "
                        "Python).") from None
    except ValueError:   # a NUL byte
        raise UserError(f"{path}: is not a Python file (it holds a NUL byte).") from None
    if function not in top_level_names(tree):
        defined = sorted(n.name for n in tree.body
                         if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
        have = f"; it defines {', '.join(defined)}" if defined else ""
        raise UserError(f"{path} has no function {function!r}{have} (pick one with "
                        f"{path}:NAME).")
    return Target(Path(path), function)


def top_level_names(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level: defs, classes, assignments and imports."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names
