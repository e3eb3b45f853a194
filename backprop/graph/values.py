"""What the numbers on a node were: a summary of each tensor, and small tensors kept whole."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import torch

WHOLE_UP_TO = 4096  # entries: a tensor this small is kept whole in graph-values.npz


@dataclass(frozen=True)
class Summary:
    """One tensor in numbers: shape, dtype and statistics of its finite entries."""

    shape: tuple[int, ...]
    dtype: str
    min: float | None        # None when no entry is finite
    max: float | None
    mean: float | None
    norm: float | None       # the 2-norm of the finite entries
    zeros: int
    nans: int
    infs: int


def summary(tensor: torch.Tensor | None) -> Summary | None:
    """The summary of `tensor`; None for None. Sums and norms are in the tensor's dtype."""
    if tensor is None:
        return None
    t = tensor.detach()
    shape, dtype = tuple(t.shape), str(t.dtype).removeprefix("torch.")
    zeros = t.numel() - int(torch.count_nonzero(t))
    if not t.is_floating_point():
        t = t.double()
    if not t.numel():
        return Summary(shape, dtype, None, None, None, None, zeros, 0, 0)
    low, high = torch.aminmax(t)  # nan if any entry is nan
    nans = infs = 0
    if not (low.isfinite() and high.isfinite()):  # the slow path: only with nan or inf
        nans, infs = int(t.isnan().sum()), int(t.isinf().sum())
        t = t[t.isfinite()]
        if not t.numel():
            return Summary(shape, dtype, None, None, None, None, zeros, nans, infs)
        low, high = torch.aminmax(t)
    return Summary(shape, dtype, low.item(), high.item(), t.mean().item(),
                   torch.linalg.vector_norm(t).item(), zeros, nans, infs)


def bad(tensor: torch.Tensor | None) -> bool:
    """Whether a tensor holds a NaN or an infinity."""
    return (tensor is not None and tensor.is_floating_point()
            and not bool(tensor.isfinite().all()))


@dataclass(frozen=True)
class NodeValues:
    """The numbers of one box: its forward value, what it received, what it sent."""

    forward: Summary | None                 # the forward value the box stands for
    received: tuple[Summary | None, ...]    # dL/d(each output), as the node got them
    sent: tuple[Summary | None, ...]        # per next_functions slot, None where none


def npz_bytes(arrays: dict[str, torch.Tensor]) -> bytes:
    """graph-values.npz: each small tensor whole, under 'n<number>.<what>'."""
    import numpy as np

    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{k: v.detach().cpu().double().numpy() if v.is_floating_point()
                                   else v.detach().cpu().numpy() for k, v in arrays.items()})
    return buffer.getvalue()


def small(tensor: torch.Tensor | None) -> bool:
    """Whether a tensor is kept whole (at most WHOLE_UP_TO entries)."""
    return tensor is not None and tensor.numel() <= WHOLE_UP_TO


def magnitude(s: Summary | None) -> str:
    """|g| for a drawing's box: the norm of what a node received, e.g. '|g|=3.2e-04'."""
    if s is None or s.norm is None:
        return ""
    text = f"|g|={s.norm:.2g}"
    if s.nans or s.infs:
        text += " nan/inf!"
    return text if math.isfinite(s.norm) else "|g|=inf"
