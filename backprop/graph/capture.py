"""While a user's script runs: the line creating each node, and the tensor each node made.

Anomaly mode stores every node's forward stack (check_nan=False: a nan in the script's own
backward() is theirs to see, not an error of ours). A TorchFunctionMode keeps each torch
call's output by the node that created it, so a record can show its forward value.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch.overrides import TorchFunctionMode

KEEP_BYTES = 256 * 2**20  # outputs kept, at most: a training loop must not keep every step


class _Keeper(TorchFunctionMode):
    """Keeps the outputs of torch calls that have a grad_fn, by id(grad_fn)."""

    def __init__(self) -> None:
        super().__init__()
        self.made: dict[int, torch.Tensor] = {}
        self.room = KEEP_BYTES

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for tensor in out if isinstance(out, (tuple, list)) else (out,):
            if (self.room > 0 and isinstance(tensor, torch.Tensor)
                    and tensor.grad_fn is not None and id(tensor.grad_fn) not in self.made):
                self.made[id(tensor.grad_fn)] = tensor
                self.room -= tensor.numel() * tensor.element_size()
        return out


@contextmanager
def recording() -> Iterator[dict[int, torch.Tensor]]:
    """Run the block under anomaly mode, collecting id(node) -> the tensor it created."""
    keeper = _Keeper()
    with torch.autograd.set_detect_anomaly(True, check_nan=False), keeper:
        yield keeper.made
