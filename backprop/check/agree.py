"""Does a student's tensor agree with autograd's at 5 significant digits?

Two passes that compute the same sums in another order (NumPy's matmul, a loop) round
differently: a correct NumPy pass had 2% of its entries print differently at 5 digits (20
float32 runs of K=12, d=24, batch 3), and entries that are sums cancelling to near zero
differed by up to 0.5% (80 runs, batch 4). Neither is a mistake, so an entry agrees when its
5-digit form is autograd's, or it is within half a unit of the 5th digit, or the difference
is below the 5th digit of the tensor's largest entry: then 180 such runs (batch 8, every
init) have no entry left that differs.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from backprop.compare import DIGITS, Agreement, compare


@dataclass(frozen=True)
class Judged:
    """One tensor of the student's against autograd's."""

    name: str             # in the report's notation: "dL/dW_3", "δ_3", "z_3"
    kind: str             # grad_W, grad_b, z, h, delta, grad_h
    layer: int
    agreement: Agreement  # the strict comparison: max errors, bits, inf/nan
    differ: int           # entries that differ beyond rounding (see the module's docstring)
    nan_where_numbers: int  # entries that are inf/nan in theirs where autograd has a number

    @property
    def agree(self) -> bool:
        """True when no entry differs and none is inf or nan."""
        return self.differ == 0 and self.agreement.nonfinite == 0


def differ_beyond_rounding(mine: torch.Tensor, theirs: torch.Tensor,
                           digits: int = DIGITS) -> int:
    """How many entries of `mine` differ from `theirs` by more than rounding explains."""
    a = mine.to(torch.float64).reshape(-1)
    b = theirs.to(torch.float64).reshape(-1)
    return int(_bad(a, b, _largest(theirs), digits).sum())


def judge(name: str, kind: str, layer: int, mine: torch.Tensor, theirs: torch.Tensor) -> Judged:
    """Compare the student's tensor with autograd's; shapes must match."""
    agreement = compare(name, mine, theirs)
    bad = int((~mine.isfinite() & theirs.isfinite()).sum())
    return Judged(name, kind, layer, agreement, differ_beyond_rounding(mine, theirs), bad)


def _flat(tensors: dict[str, torch.Tensor], names: list[str]) -> torch.Tensor:
    return torch.cat([tensors[name].reshape(-1).to(torch.float64) for name in names])


def _bad(a: torch.Tensor, b: torch.Tensor, largest: torch.Tensor | float,
         digits: int) -> torch.Tensor:
    """Entries of flat a, b that differ beyond rounding, given each entry's tensor's largest."""
    diff = (a - b).abs()
    close = (diff <= 0.5 * 10.0 ** (1 - digits) * torch.maximum(a.abs(), b.abs())) | (
        diff <= 10.0 ** -digits * largest)
    same = (a == b) | (a.isnan() & b.isnan())
    return ~same & ~(a.isfinite() & b.isfinite() & close)


def differ_by_name(mine: dict[str, torch.Tensor], theirs: dict[str, torch.Tensor],
                   digits: int = DIGITS) -> dict[str, int]:
    """differ_beyond_rounding for every name at once (one pass over all entries: fast)."""
    names = list(theirs)
    a, b = _flat(mine, names), _flat(theirs, names)
    sizes = [theirs[name].numel() for name in names]
    largest = torch.cat([torch.full((size,), _largest(theirs[name]), dtype=torch.float64)
                         for name, size in zip(names, sizes)])
    bad = _bad(a, b, largest, digits)
    return {name: int(part.sum()) for name, part in zip(names, bad.split(sizes))}


def _largest(t: torch.Tensor) -> float:
    finite = t[t.isfinite()]
    return float(finite.abs().max()) if finite.numel() else 0.0


def same_results(mine: dict[str, torch.Tensor], other: dict[str, torch.Tensor]) -> bool:
    """True when every tensor of `mine` agrees with `other`'s as `judge` would say."""
    if any(tensor.shape != other[name].shape for name, tensor in mine.items()):
        return False
    names = list(other)
    a, b = _flat(mine, names), _flat(other, names)
    finite = b[b.isfinite()]
    overall = float(finite.abs().max()) if finite.numel() else 0.0
    # Each tensor's largest is at most the overall largest: what fails against that fails.
    if bool(_bad(a, b, overall, DIGITS).any()):
        return False
    return not any(differ_by_name(mine, other).values())
