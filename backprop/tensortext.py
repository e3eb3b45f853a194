"""Tensors as text: what `print(tensor)` writes (the homework's own files) and numpy.savetxt.

    tensor([[-5.53375e+08, 0.00000e+00, ...],      several tensors, one after another,
            [ 1.2e+03, ...]], dtype=torch.float64)  with what torch prints after them

Numbers must be plain ASCII (`1.5e+03`, `-0.`, `nan`, `inf`): no `1_0`, no other digits.
A tensor torch printed summarised (a `...` in place of rows) has lost its values, and is
refused with a sentence saying how to print it whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import torch

from backprop.datfile import MAGIC, parse_dat
from backprop.errors import UserError
from backprop.textfile import read_text_file

NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:nan|inf)"
_TOKEN = re.compile(rf"\s*(tensor\(|\.\.\.|\[|\]|,|\)|(?:{NUMBER})(?![\w.])|"
                    r"[a-z_]+=(?:<[^>\n]*>|'[^'\n]*'|[\w.]+))", re.ASCII)
_NUMBER = re.compile(rf"(?:{NUMBER})", re.ASCII)
_DTYPES = {"torch.float64": torch.float64, "torch.float32": torch.float32}
KNOWN = ("a backprop-lab .dat file (it starts with '# backprop-lab gradients'), tensors as "
         "print(tensor) writes them (tensor([[...]])), or numbers as numpy.savetxt writes them")


class TensorTextError(UserError, ValueError):
    """A file of tensors as text that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Gradients:
    """The tensors of one file compare can read, in order, and what kind of file it was."""

    kind: str                          # "autograd", "hand-written" (a .dat), "print", "savetxt"
    tensors: dict[str, torch.Tensor]   # W1, b1, ... from a .dat; tensor 1, 2, ... otherwise
    config: object | None              # the .dat's RunConfig; None for text


def read_gradients(path: str | Path) -> Gradients:
    """Any file `gradreport compare` reads; raises UserError with one sentence."""
    if not _looks_known(Path(path)):   # a large file of something else is not read whole
        raise TensorTextError(f"{path}: not a file compare knows; it reads {KNOWN}.")
    text = read_text_file(path, "a file of gradients")
    stripped = text.removeprefix("\ufeff").lstrip()
    if stripped.startswith(MAGIC):
        dat = parse_dat(text, str(path))
        return Gradients(dat.pass_name, dat.gradients, dat.config)
    if stripped.startswith("tensor("):
        found = parse_printed(text, str(path))
        return Gradients("print", {f"tensor {i}": t for i, t in enumerate(found, 1)}, None)
    if stripped and all(_is_numbers(line) for line in text.splitlines()):
        return Gradients("savetxt", {"tensor 1": parse_savetxt(text, str(path))}, None)
    raise TensorTextError(f"{path}: not a file compare knows; it reads {KNOWN}.")


def _looks_known(path: Path) -> bool:
    """Whether the file's first characters could start one of the known kinds."""
    try:
        with path.open("rb") as file:
            head = file.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return True   # read_text_file says what is wrong with it, in its own words
    first = head.split(b"\n", 1)[0].decode("ascii", "replace")
    return (not head or head.startswith((MAGIC.encode(), b"tensor(", b"#"))
            or _is_numbers(first) or len(first) >= 4000)


def _is_numbers(line: str) -> bool:
    line = line.split("#", 1)[0].strip()
    return not line or all(_NUMBER.fullmatch(w) for w in re.split(r"[,\s]+", line) if w)


def parse_savetxt(text: str, source: str = "<text>") -> torch.Tensor:
    """The 2-D float64 array of numpy.savetxt's output (spaces or commas, # comments)."""
    rows = []
    for lineno, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        words = [w for w in re.split(r"[,\s]+", line.split("#", 1)[0].strip()) if w]
        if not words:
            continue
        bad = next((w for w in words if not _NUMBER.fullmatch(w)), None)
        if bad is not None:
            raise TensorTextError(f"{source}, line {lineno}: {bad[:20]!r} is not a number.")
        if rows and len(words) != len(rows[0]):
            raise TensorTextError(f"{source}, line {lineno}: {len(words)} values, but the "
                                  f"rows before have {len(rows[0])}.")
        rows.append([float(w) for w in words])
    if not rows:
        raise TensorTextError(f"{source}: holds no numbers.")
    return torch.tensor(rows, dtype=torch.float64)


def parse_printed(text: str, source: str = "<text>") -> list[torch.Tensor]:
    """Every tensor of text as print(tensor) writes it, in order."""
    tokens = _tokens(text, source)
    found, at = [], 0
    while at < len(tokens):
        at, tensor = _one_tensor(tokens, at, source)
        found.append(tensor)
    return found


def _tokens(text: str, source: str) -> list[tuple[str, int]]:
    tokens, at = [], 0
    text = text.removeprefix("\ufeff")
    while True:
        match = _TOKEN.match(text, at)
        if match is None:
            rest = text[at:].strip()
            if not rest:
                return tokens
            lineno = text.count("\n", 0, at + len(text[at:]) - len(text[at:].lstrip())) + 1
            raise TensorTextError(f"{source}, line {lineno}: cannot read "
                                  f"{rest.split()[0][:20]!r} (not a number, not torch's "
                                  "print format).")
        lineno = text.count("\n", 0, match.start(1)) + 1
        tokens.append((match.group(1), lineno))
        at = match.end()


def _one_tensor(tokens: list[tuple[str, int]], at: int, source: str) -> tuple[int, torch.Tensor]:
    def fail(index: int, problem: str) -> TensorTextError:
        line = tokens[min(index, len(tokens) - 1)][1]
        return TensorTextError(f"{source}, line {line}: {problem}.")

    if tokens[at][0] != "tensor(":
        raise fail(at, f"expected 'tensor(', found {tokens[at][0]!r}")
    at += 1

    def value(i: int):
        if i >= len(tokens):
            raise fail(i, "the file ends inside a tensor")
        word = tokens[i][0]
        if word == "...":
            raise fail(i, "torch printed this tensor summarised ('...' in place of values); "
                          "print it whole after torch.set_printoptions(profile='full')")
        if word == "[":
            items, i = [], i + 1
            while i < len(tokens) and tokens[i][0] != "]":
                item, i = value(i)
                items.append(item)
                if i < len(tokens) and tokens[i][0] == ",":
                    i += 1
            if i >= len(tokens):
                raise fail(i, "the file ends inside a tensor")
            return items, i + 1
        if _NUMBER.fullmatch(word):
            return float(word), i + 1
        raise fail(i, f"expected a number, found {word!r}")

    data, at = value(at)
    dtype = torch.float32
    while at < len(tokens) and tokens[at][0] == ",":
        at += 1
        if at < len(tokens) and "=" in tokens[at][0]:
            key, _, setting = tokens[at][0].partition("=")
            if key == "dtype":
                if setting not in _DTYPES:
                    raise fail(at, f"dtype {setting} is not a floating-point type compare reads")
                dtype = _DTYPES[setting]
            at += 1
    if at >= len(tokens) or tokens[at][0] != ")":
        raise fail(at, "expected ')' at the end of the tensor")
    try:
        tensor = torch.tensor(data, dtype=torch.float64)
    except (ValueError, TypeError):
        raise fail(at, "its rows are not all of the same length") from None
    return at + 1, tensor.to(dtype)


