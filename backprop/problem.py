"""The exercise: parameters, one data point x and its label y, all fixed by the config."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import torch

from backprop.config import RunConfig


@dataclass(frozen=True)
class Problem:
    """The network's parameters W_k (in, out), b_k (1, out) for k = 1..K+1, and x, y."""

    config: RunConfig
    weights: tuple[torch.Tensor, ...]
    biases: tuple[torch.Tensor, ...]
    x: torch.Tensor  # (batch, d), uniform on [0, 1)
    y: torch.Tensor  # (batch, 1), y = (x_1^2 + ... + x_d^2) / d

    @property
    def dtype(self) -> torch.dtype:
        """The torch dtype of every tensor in the run."""
        return self.x.dtype


def torch_dtype(name: str) -> torch.dtype:
    """The torch dtype named by a RunConfig."""
    return {"float32": torch.float32, "float64": torch.float64}[name]


def layer_sizes(config: RunConfig) -> list[tuple[int, int]]:
    """(in, out) of every linear layer: K layers d -> d, then the output layer d -> 1."""
    return [(config.d, config.d)] * config.K + [(config.d, 1)]


def param_names(config: RunConfig) -> list[str]:
    """W1, b1, W2, b2, ..., in layer order."""
    return [f"{kind}{k}" for k in range(1, config.layers + 1) for kind in ("W", "b")]


def make_problem(config: RunConfig) -> Problem:
    """Sample the parameters and the data point, deterministically from the config.

    Everything is drawn in float32 with private generators (the global RNG is never
    touched), then cast to the run's dtype: a float64 run has the very same network and
    x as the float32 run, so only the arithmetic differs between them. The kaiming and
    xavier inits rescale the same draw of W and set b to zero, as He et al. do.
    """
    dtype = torch_dtype(config.dtype)
    params = torch.Generator().manual_seed(config.seed)
    weights, biases = [], []
    for fan_in, fan_out in layer_sizes(config):
        W = torch.randn(fan_in, fan_out, generator=params)
        b = torch.randn(1, fan_out, generator=params)
        if config.init == "kaiming":
            W, b = W * math.sqrt(2.0 / fan_in), torch.zeros_like(b)
        elif config.init == "xavier":
            W, b = W * math.sqrt(2.0 / (fan_in + fan_out)), torch.zeros_like(b)
        weights.append(W.to(dtype))
        biases.append(b.to(dtype))
    data = torch.Generator().manual_seed(_data_seed(config.seed, config.draw))
    x = torch.rand(config.batch, config.d, generator=data).to(dtype)
    y = x.pow(2).sum(dim=1, keepdim=True) / config.d
    return Problem(config, tuple(weights), tuple(biases), x, y)


def _data_seed(seed: int, draw: int) -> int:
    """A seed for x of its own, so resampling x leaves the parameters as they are."""
    digest = hashlib.sha256(f"x:{seed}:{draw}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1
