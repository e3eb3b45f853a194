"""The .dat files: every dL/dW_k and dL/db_k of one pass, as plain text that round-trips.

    # backprop-lab gradients
    # pass: autograd
    # config: K=10 d=10 batch=1 seed=2 init=randn dtype=float32 draw=0
    # torch: 2.13.0+cpu
    # blocks: 22
    (comment lines)

    grad_W1 10 10
      -5.53375024e+08   0.00000000e+00 ...      (10 lines of 10 values)
    grad_b1 1 10
    ...

Values carry 9 significant digits for float32 and 17 for float64: enough to read back
the very same bits.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import torch

from backprop.config import ConfigError, RunConfig
from backprop.errors import UserError
from backprop.problem import layer_sizes, param_names, torch_dtype
from backprop.textfile import TextFileError, read_text_file

MAGIC = "# backprop-lab gradients"
NOT_DAT = f"not a backprop-lab .dat file (it must start with {MAGIC!r})"
PASSES = ("autograd", "hand-written")
_FORMAT = {"float32": "%16.8e", "float64": "%24.16e"}  # 9 and 17 significant digits
_FLOAT32_LIMIT = 3.4028235677973366e38  # the largest float32 plus half an ulp: rounds to inf
_NONFINITE = {"inf", "+inf", "-inf", "nan", "+nan", "-nan"}
# What a writer writes: float() alone also reads '١٫٠', '１.０', '1_0' and 'infinity'.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[^ \t\r\f\v]+")  # ASCII blanks part the values; no other space does
_NUMBER_CHARS = frozenset("0123456789+-.eE")


class DatError(UserError, ValueError):
    """A .dat file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class DatFile:
    """The contents of one .dat file."""

    pass_name: str
    config: RunConfig
    torch_version: str
    gradients: dict[str, torch.Tensor]  # W1, b1, ... in layer order


def format_dat(pass_name: str, config: RunConfig, gradients: dict[str, torch.Tensor]) -> str:
    """The text of a .dat file for these gradients (keyed W1, b1, ...)."""
    if pass_name not in PASSES:
        raise ValueError(f"unknown pass {pass_name!r}")
    names = param_names(config)
    lines = [
        MAGIC,
        f"# pass: {pass_name}",
        f"# config: {config.describe()}",
        f"# torch: {torch.__version__}",
        f"# blocks: {len(names)}",
        "# Each block is dL/d<parameter>: a line `grad_<parameter> <rows> <cols>`, then",
        "# <rows> lines of <cols> values. W_k is (in, out) and b_k is (1, out), layer by layer.",
    ]
    for name in names:
        grad = gradients[name]
        rows, cols = grad.shape
        lines.append("")
        lines.append(f"grad_{name} {rows} {cols}")
        row_format = " ".join([_FORMAT[config.dtype]] * cols)
        lines.extend(row_format % tuple(row) for row in grad.tolist())
    return "\n".join(lines) + "\n"


def read_dat(path: str | Path) -> DatFile:
    """Read a .dat file; raises DatError naming the file and line of any fault."""
    try:
        text = read_text_file(path, "a backprop-lab .dat file", starts_with=MAGIC)
    except TextFileError as err:
        raise DatError(str(err)) from None
    return parse_dat(text, str(path))


def parse_dat(text: str, source: str = "<text>") -> DatFile:
    """Parse the text of a .dat file; `source` names it in error messages."""
    text = text.removeprefix("\ufeff")   # a byte-order mark, from an editor: not content
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    def fail(lineno: int, problem: str, column: int | None = None) -> DatError:
        where = f"line {lineno}" + ("" if column is None else f", column {column}")
        return DatError(f"{source}, {where}: {problem}.")

    if not lines or lines[0].rstrip() != MAGIC:
        raise fail(1, NOT_DAT)
    if not text.endswith("\n"):   # a writer always ends the file with a newline
        raise fail(len(lines), "the last line has no newline; the file is truncated")
    header: dict[str, tuple[int, str]] = {}
    at = 1
    while at < len(lines) and lines[at].startswith("#"):
        key, sep, value = lines[at][1:].strip().partition(": ")
        if sep and key in ("pass", "config", "torch", "blocks"):
            header[key] = (at + 1, value.strip())
        at += 1
    for key in ("pass", "config", "torch", "blocks"):
        if key not in header:
            raise fail(at + 1, f"the header has no '# {key}:' line")
    lineno, pass_name = header["pass"]
    if pass_name not in PASSES:
        raise fail(lineno, f"unknown pass {pass_name!r} (expected {' or '.join(PASSES)})")
    for key in ("config", "blocks"):  # int() would read K=٣ as 3
        lineno, value = header[key]
        odd = next((i for i, char in enumerate(lines[lineno - 1]) if not char.isascii()), None)
        if odd is not None:
            raise fail(lineno, f"{lines[lineno - 1][odd]!r} is not an ASCII character",
                       odd + 1)
    lineno, described = header["config"]
    try:
        config = RunConfig.parse(described)
    except ConfigError as err:
        raise fail(lineno, str(err).rstrip(".")) from None
    names = param_names(config)
    lineno, blocks = header["blocks"]
    if blocks != str(len(names)):
        raise fail(lineno, f"'# blocks: {blocks[:20]}' does not match the config, which has "
                           f"{len(names)} parameter tensors")

    shapes = [shape for size in layer_sizes(config) for shape in (size, (1, size[1]))]
    dtype = torch_dtype(config.dtype)
    gradients: dict[str, torch.Tensor] = {}
    for name, (rows, cols) in zip(names, shapes):
        while at < len(lines) and not lines[at].strip():
            at += 1
        if at >= len(lines):
            raise fail(len(lines), f"the file ends after {len(gradients)} of {len(names)} "
                                   "blocks; it is truncated")
        expected = f"grad_{name} {rows} {cols}"
        if lines[at].split() != expected.split():
            raise fail(at + 1, f"expected the block header {expected!r}, "
                               f"found {lines[at].strip()[:40]!r}")
        at += 1
        values = []
        for r in range(rows):
            if at >= len(lines):
                raise fail(len(lines), f"block grad_{name} ends after {r} of {rows} rows; "
                                       "the file is truncated")
            if not lines[at].strip():
                raise fail(at + 1, f"a blank line in block grad_{name}, after {r} of {rows} "
                                   "rows")
            try:
                values.append(_parse_row(lines[at], cols, config.dtype))
            except RowError as err:
                raise fail(at + 1, str(err), err.column) from None
            at += 1
        gradients[name] = torch.tensor(values, dtype=dtype).reshape(rows, cols)
    while at < len(lines) and not lines[at].strip():
        at += 1
    if at < len(lines):
        raise fail(at + 1, "unexpected text after the last block")
    return DatFile(pass_name, config, header["torch"][1], gradients)


class RowError(ValueError):
    """What is wrong with one row of values, and at which column (from 1) when known."""

    def __init__(self, problem: str, column: int | None = None) -> None:
        super().__init__(problem)
        self.column = column


def _parse_row(line: str, cols: int, dtype: str) -> list[float]:
    """The values of one row; RowError says what is wrong with it, and where."""
    words = list(_WORD.finditer(line))
    if len(words) != cols:
        raise RowError(f"expected {cols} values, found {len(words)}")
    row = []
    for match in words:
        word = match.group()
        if word.lower() in _NONFINITE:
            row.append(float(word))
            continue
        if not _NUMBER.fullmatch(word):
            odd = next((i for i, char in enumerate(word) if char not in _NUMBER_CHARS), 0)
            raise RowError(f"{word[:20]!r} is not a number (a number is ASCII digits with a "
                           "sign, a point and an exponent)", match.start() + odd + 1)
        value = float(word)
        if not math.isfinite(value):
            raise RowError(f"{word[:20]!r} is out of range", match.start() + 1)  # 1e99999
        if dtype == "float32" and abs(value) >= _FLOAT32_LIMIT:
            raise RowError(f"{word[:20]!r} is out of range for float32", match.start() + 1)
        row.append(value)
    return row
