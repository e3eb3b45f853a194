"""Trace: every quantity of one forward and backward pass, layer by layer."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Trace:
    """What one pass computed. Each tuple holds layers k = 1..K+1 at index k-1.

    Both passes, autograd's and the hand-written one, produce a Trace, so every
    hand-written quantity has its autograd counterpart at the same place.
    """

    z: tuple[torch.Tensor, ...]        # pre-activation z_k = h_{k-1} W_k + b_k
    mask: tuple[torch.Tensor, ...]     # ReLU mask m_k = [z_k > 0] (bool)
    h: tuple[torch.Tensor, ...]        # activation h_k = relu(z_k); h_{K+1} = y_pred
    loss: torch.Tensor                 # L = sum over the batch of (y_pred - y)^2, 0-d
    grad_h: tuple[torch.Tensor, ...]   # dL/dh_k; the last one is dL/dy_pred
    delta: tuple[torch.Tensor, ...]    # delta_k = dL/dz_k
    grad_W: tuple[torch.Tensor, ...]   # dL/dW_k
    grad_b: tuple[torch.Tensor, ...]   # dL/db_k

    @property
    def y_pred(self) -> torch.Tensor:
        """The network's output, (batch, 1)."""
        return self.h[-1]

    @property
    def grad_y_pred(self) -> torch.Tensor:
        """dL/dy_pred = 2 (y_pred - y)."""
        return self.grad_h[-1]

    def gradients(self) -> dict[str, torch.Tensor]:
        """dL/dW1, dL/db1, dL/dW2, ... keyed W1, b1, W2, ..., in layer order."""
        out: dict[str, torch.Tensor] = {}
        for k, (gW, gb) in enumerate(zip(self.grad_W, self.grad_b), start=1):
            out[f"W{k}"] = gW
            out[f"b{k}"] = gb
        return out
