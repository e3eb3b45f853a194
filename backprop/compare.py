"""Do two tensors agree? At N significant digits, bit for bit, and by how much they differ."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

DIGITS = 5


@dataclass(frozen=True)
class Agreement:
    """How one tensor of one pass compares with the same tensor of the other."""

    name: str
    shape: tuple[int, ...]
    digits: int
    differ: int            # entries whose N-significant-digit forms differ
    max_abs_error: float   # over entries finite in both (0.0 when there are none)
    max_rel_error: float   # |a - b| / max(|a|, |b|), 0 where both are 0
    bitwise: bool          # same dtype, shape and bits (so -0.0 differs from 0.0 here)
    nonfinite: int         # entries that are inf or nan in either tensor

    @property
    def agree(self) -> bool:
        """True when every entry is a number with the same N-significant-digit form.

        inf and nan have no significant digits: a tensor holding any does not agree,
        even with an identical one.
        """
        return self.differ == 0 and self.nonfinite == 0


def significant(value: float, digits: int = DIGITS) -> str:
    """`value` to `digits` significant digits, as `-5.5338e+08`; -0.0 prints as 0.0."""
    if value == 0.0:
        value = 0.0  # folds -0.0 into 0.0
    if math.isnan(value):
        return "nan"
    return f"{value:.{digits - 1}e}"


def round_trip_digits(dtype: torch.dtype) -> int:
    """Significant digits that round-trip `dtype`: 9 for float32, 17 for float64."""
    return 17 if dtype.itemsize == 8 else 9


def compare(name: str, a: torch.Tensor, b: torch.Tensor, digits: int = DIGITS) -> Agreement:
    """Compare a (one pass) with b (the other); shapes must match."""
    if a.shape != b.shape:
        raise ValueError(f"{name}: shapes {tuple(a.shape)} and {tuple(b.shape)} differ.")
    bitwise = a.dtype == b.dtype and _same_bits(a, b)
    a64, b64 = _as_float64(a).reshape(-1), _as_float64(b).reshape(-1)
    finite = a64.isfinite() & b64.isfinite()
    nonfinite = int((~finite).sum())
    if bitwise:
        differ, max_abs, max_rel = 0, 0.0, 0.0
    else:
        differ = count_differ(a64, b64, digits)
        max_abs, max_rel = _errors(a64[finite], b64[finite])
    return Agreement(name, tuple(a.shape), digits, differ, max_abs, max_rel, bitwise, nonfinite)


def count_differ(a: torch.Tensor, b: torch.Tensor, digits: int = DIGITS) -> int:
    """How many entries of two flat float64 tensors format differently at `digits`.

    The same answer as comparing `significant()` strings entry by entry, but vectorized:
    only values near a rounding boundary, where float64 arithmetic cannot decide, are
    formatted one by one (past about 12 digits, that is all of them).
    """
    same = (a == b) | (a.isnan() & b.isnan())   # -0.0 == 0.0, and inf == inf
    finite = a.isfinite() & b.isfinite()
    differ = int((~finite & ~same).sum())        # inf or nan against anything else
    todo = finite & ~same
    a, b = a[todo], b[todo]
    # Two values more than 10^(1-N) apart, relatively, cannot round to the same N digits.
    surely = (a - b).abs() > 10.0 ** (1 - digits) * torch.maximum(a.abs(), b.abs())
    differ += int(surely.sum())
    a, b = a[~surely], b[~surely]
    (ka, ea, near_a), (kb, eb, near_b) = _rounded(a, digits), _rounded(b, digits)
    near = near_a | near_b
    differ += int(((ka != kb) | (ea != eb))[~near].sum())
    differ += sum(significant(x, digits) != significant(y, digits)
                  for x, y in zip(a[near].tolist(), b[near].tolist()))
    return differ


def _rounded(x: torch.Tensor, digits: int):
    """(signed N-digit mantissa, exponent, near a boundary) of each nonzero value."""
    exponent = torch.floor(torch.log10(x.abs()))
    scaled = x.abs() / torch.pow(10.0, exponent - (digits - 1))   # in [10^(N-1), 10^N)
    low, high = 10.0 ** (digits - 1), 10.0 ** digits
    fraction = scaled - torch.floor(scaled)
    # log10, pow and the division each round: `scaled` is good to a few 1e-16, relatively
    unsure = torch.clamp(scaled * 1e-13, min=1e-6)
    near = ((fraction - 0.5).abs() < unsure) | (scaled < low * (1 + 1e-9)) | (
        scaled > high * (1 - 1e-9)) | (x.abs() < 1e-290)
    mantissa = torch.round(scaled)
    carry = mantissa >= high                                          # 9.99995 -> 1.0000e+01
    mantissa = torch.where(carry, mantissa / 10, mantissa) * torch.sign(x)
    return mantissa, exponent + carry, near


def _errors(a: torch.Tensor, b: torch.Tensor) -> tuple[float, float]:
    if a.numel() == 0:
        return 0.0, 0.0
    diff = (a - b).abs()
    scale = torch.maximum(a.abs(), b.abs())
    rel = torch.where(scale > 0, diff / scale.clamp(min=torch.finfo(torch.float64).tiny), 0.0)
    return float(diff.max()), float(rel.max())


def _same_bits(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.dtype == torch.bool:
        return torch.equal(a, b)
    ints = {torch.float32: torch.int32, torch.float64: torch.int64}
    return torch.equal(a.contiguous().view(ints[a.dtype]), b.contiguous().view(ints[b.dtype]))


def _as_float64(t: torch.Tensor) -> torch.Tensor:
    return t.to(torch.float64)
