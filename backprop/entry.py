"""One entry of a step: its value in both passes, and its formula with this run's numbers.

    dL/dW_1[2,3] = x[2] · delta_1[3]               one term: a product of two entries
    z_3[1] = Σ_i h_2[i] W_3[i,1] + b_3[1]          a sum: d products and the bias

Every factor is read from the tensors the step was computed from (`backprop.inputs`), so
what a view prints beside the cell is the run's own numbers. Indices are 1-based, as the
grids show them: a row vector's entries have one index, a single number none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from backprop.compare import round_trip_digits

if TYPE_CHECKING:
    from backprop.inputs import Inputs
    from backprop.steps import Step

Number = float | bool


@dataclass(frozen=True)
class Term:
    """One term of an entry's formula: the entries it reads and what they give together."""

    op: str        # "entry" (the one factor), "×", "(−)²", "2(−)", "relu", "> 0", "where"
    factors: tuple[tuple[str, Number], ...]   # (name, value) of each tensor entry read
    value: Number  # the factors combined by `op`, in the step's dtype


@dataclass(frozen=True)
class Entry:
    """An entry of a step's tensor, in both passes, with the terms that make it."""

    symbol: str                # "dL/dW_1[2,3]"
    index: tuple[int, int]     # 0-based (row, column) in the grid
    manual: Number             # the hand-written pass's value (the student's, in a check)
    autograd: Number
    formula: str               # "x[2] · delta_1[3]", "Σ_i h_2[i] W_3[i,1] + b_3[1]"
    terms: tuple[Term, ...]    # in the formula's order; a sum adds them
    result: Number             # the terms added exactly, rounded once to the dtype
    dtype: str                 # "float32" or "float64"
    digits: int                # significant digits that dtype holds: 9 or 17

    @property
    def is_sum(self) -> bool:
        """True when the entry adds more than one term."""
        return len(self.terms) > 1

    @property
    def ulps(self) -> int:
        """How many float steps of the dtype lie between `result` and the pass's value.

        A sum recomputed here adds its terms exactly; torch's matmul adds them in its own
        order, rounding as it goes, so the two may differ in the last digit or two.
        """
        if isinstance(self.result, bool) or isinstance(self.manual, bool):
            return int(self.result != self.manual)
        if not (math.isfinite(self.result) and math.isfinite(self.manual)):
            return 0 if _same(self.result, self.manual) else -1
        dtype = getattr(torch, self.dtype)
        ints = torch.int32 if dtype == torch.float32 else torch.int64
        a, b = (_ordered(torch.tensor(v, dtype=dtype).view(ints)) for v in
                (self.result, self.manual))
        return abs(a - b)


    @property
    def rounding(self) -> float:
        """The most a sum's rounding can move it: terms × ε × Σ |term| (0 for one term).

        Beside a large cancellation (0.9 − 0.95) that is many float steps of the result,
        which is why a sum is judged by it and not by `ulps`.
        """
        if not self.is_sum:
            return 0.0
        eps = torch.finfo(getattr(torch, self.dtype)).eps
        return len(self.terms) * eps * math.fsum(abs(float(t.value)) for t in self.terms)

    @property
    def within_rounding(self) -> bool:
        """True when the recomputed value is the pass's, up to the rounding of the sum."""
        if isinstance(self.result, bool) or isinstance(self.manual, bool):
            return self.result == self.manual
        if not (math.isfinite(self.result) and math.isfinite(self.manual)):
            return _same(self.result, self.manual)
        return abs(self.result - self.manual) <= self.rounding


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _ordered(bits: torch.Tensor) -> int:
    """The bits of a float as an integer that counts float steps (negatives mirrored)."""
    value = int(bits)
    width = bits.element_size() * 8
    return value if value >= 0 else -(value + (1 << (width - 1)))


def at(name: str, tensor: torch.Tensor, row: str, col: str) -> str:
    """`name` indexed as its grid shows it: none for one number, [col] for a row vector."""
    if tensor.numel() == 1:
        return name
    if tensor.dim() < 2 or tensor.shape[0] == 1:
        return f"{name}[{col}]"
    return f"{name}[{row},{col}]"


def _grid(tensor: torch.Tensor, r: int, c: int) -> tuple[int, ...]:
    """The tensor index of grid cell (r, c): a scalar is 1x1, a vector one row."""
    return () if tensor.dim() == 0 else (c,) if tensor.dim() == 1 else (r, c)


def _value(tensor: torch.Tensor, r: int, c: int) -> Number:
    return tensor[_grid(tensor, r, c)].item()


def _factor(name: str, tensor: torch.Tensor, r: int, c: int) -> tuple[str, Number]:
    return at(name, tensor, str(r + 1), str(c + 1)), _value(tensor, r, c)


def _combine(op: str, tensors: list[tuple[torch.Tensor, int, int]]) -> Number:
    """The factors' entries combined by `op` with torch, in their dtype, as the pass does."""
    t = [tensor[_grid(tensor, r, c)] for tensor, r, c in tensors]
    combined = {
        "entry": lambda: t[0],
        "×": lambda: t[0] * t[1],
        "(−)²": lambda: (t[0] - t[1]).pow(2),
        "2(−)": lambda: 2 * (t[0] - t[1]),
        "relu": lambda: torch.relu(t[0]),
        "> 0": lambda: t[0] > 0,
        "where": lambda: torch.where(t[1], t[0], 0.0),
    }[op]()
    return combined.item()


def _term(op: str, *parts: tuple[str, torch.Tensor, int, int]) -> Term:
    factors = tuple(_factor(name, tensor, r, c) for name, tensor, r, c in parts)
    return Term(op, factors, _combine(op, [(tensor, r, c) for _, tensor, r, c in parts]))


def _sum(free: str, body: str, count: int) -> str:
    """`Σ_i body`, or the body alone when it has one term (or no free index left)."""
    alone = count == 1 or (f"[{free}" not in body and f",{free}]" not in body)
    return body if alone else f"Σ_{free} {body}"


def _terms(step: Step, inputs: Inputs, r: int, c: int) -> tuple[str, tuple[Term, ...]]:
    """The formula of entry (r, c) of `step` and its terms, from the step's inputs."""
    (n0, t0), *rest = inputs
    tag, s, i, j = step.tag, str(r + 1), str(r + 1), str(c + 1)
    if tag == "z":   # z_k[s,j] = Σ_i h_{k-1}[s,i] W_k[i,j] + b_k[j]
        (nw, w), (nb, b) = rest
        body = f"{at(n0, t0, s, 'i')} {at(nw, w, 'i', j)}"
        products = tuple(_term("×", (n0, t0, r, q), (nw, w, q, c)) for q in range(w.shape[0]))
        return (f"{_sum('i', body, len(products))} + {at(nb, b, '1', j)}",
                (*products, _term("entry", (nb, b, 0, c))))
    if tag == "mask":
        return f"[{at(n0, t0, s, j)} > 0]", (_term("> 0", (n0, t0, r, c)),)
    if tag == "h":
        return f"relu({at(n0, t0, s, j)})", (_term("relu", (n0, t0, r, c)),)
    if tag in ("loss", "grad_y_pred"):
        (ny, y), = rest
        if tag == "grad_y_pred":
            return (f"2 ({at(n0, t0, s, j)} − {at(ny, y, s, j)})",
                    (_term("2(−)", (n0, t0, r, c), (ny, y, r, c)),))
        body = f"({at(n0, t0, 's', '1')} − {at(ny, y, 's', '1')})²"
        terms = tuple(_term("(−)²", (n0, t0, b, 0), (ny, y, b, 0)) for b in range(y.shape[0]))
        return _sum("s", body, len(terms)), terms
    if tag == "delta":
        (nm, m), = rest
        return (f"{at(n0, t0, s, j)} · {at(nm, m, s, j)}",
                (_term("where", (n0, t0, r, c), (nm, m, r, c)),))
    if tag == "grad_W":   # dL/dW_k[i,j] = Σ_s h_{k-1}[s,i] delta_k[s,j]
        (nd, d), = rest
        terms = tuple(_term("×", (n0, t0, b, r), (nd, d, b, c)) for b in range(d.shape[0]))
        if len(terms) == 1:
            return f"{at(n0, t0, '1', i)} · {at(nd, d, '1', j)}", terms
        return f"Σ_s {at(n0, t0, 's', i)} {at(nd, d, 's', j)}", terms
    if tag == "grad_b":   # dL/db_k[j] = Σ_s delta_k[s,j]
        terms = tuple(_term("entry", (n0, t0, b, c)) for b in range(t0.shape[0]))
        return _sum("s", at(n0, t0, "s", j), len(terms)), terms
    if tag == "grad_h":   # dL/dh_{k-1}[s,i] = Σ_j delta_k[s,j] W_k[i,j]
        (nw, w), = rest
        terms = tuple(_term("×", (n0, t0, r, q), (nw, w, c, q)) for q in range(w.shape[1]))
        return _sum("j", f"{at(n0, t0, s, 'j')} {at(nw, w, str(c + 1), 'j')}", len(terms)), \
            terms
    raise ValueError(f"unknown step tag {tag!r}")


def _recombine(terms: tuple[Term, ...], dtype: torch.dtype) -> Number:
    """The terms' sum, exact (math.fsum), rounded once to `dtype`; one term is itself."""
    if len(terms) == 1:
        return terms[0].value
    total = math.fsum(float(t.value) for t in terms)
    return torch.tensor(total, dtype=torch.float64).to(dtype).item()


def entry(step: Step, inputs: Inputs, row: int, col: int) -> Entry:
    """Entry (row, col) of `step`'s grid (0-based), its formula read off `inputs`."""
    rows, cols = grid_shape(step.manual)
    if not (0 <= row < rows and 0 <= col < cols):
        raise IndexError(f"{step.symbol} has no entry ({row + 1}, {col + 1})")
    formula, terms = _terms(step, inputs, row, col)
    dtype = inputs[0][1].dtype   # the run's: a student's pass may return another
    return Entry(at(step.symbol, step.manual, str(row + 1), str(col + 1)), (row, col),
                 _value(step.manual, row, col), _value(step.autograd, row, col), formula,
                 terms, _recombine(terms, dtype), str(dtype).removeprefix("torch."),
                 round_trip_digits(dtype))


def grid_shape(tensor: torch.Tensor) -> tuple[int, int]:
    """(rows, columns) of the tensor's grid: a scalar is 1x1, a vector one row."""
    if tensor.dim() == 0:
        return 1, 1
    if tensor.dim() == 1:
        return 1, tensor.shape[0]
    return tensor.shape[0], tensor.numel() // tensor.shape[0]
