"""RunConfig: the few numbers that fix a run, validated in one place.

This module must not import torch: both CLIs check their options with it before the
slow import, so a bad option fails at once. The option definitions are the command
line's (cli/options.py); this is validation only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from backprop.errors import UserError

INITS = ("randn", "kaiming", "xavier")
DTYPES = ("float32", "float64")

# Seed 2 is the smallest seed whose output unit is alive (pre-activation > 0) for every
# init: with randn init about half of all seeds give a dead output ReLU, and then every
# gradient is exactly 0 and the comparison proves nothing.
DEFAULT_SEED = 2

MAX_LAYERS = 100  # float32 gradients overflow to inf near K=55 under randn init; 100 shows it
MAX_WIDTH = 4096
MAX_BATCH = 4096
MAX_SEED = 2**63 - 1
MAX_PARAMS = 20_000_000       # K=10, d=1024 has 10.5 million; past this memory runs out
MAX_ACTIVATIONS = 20_000_000  # batch x d x (K+1) values in each of z, h and their grads


class ConfigError(UserError, ValueError):
    """A run option a user gave that cannot be used; its message is one sentence."""


@dataclass(frozen=True)
class RunConfig:
    """The network size, the data and the arithmetic of one run."""

    K: int = 10
    d: int = 10
    batch: int = 1
    seed: int = DEFAULT_SEED
    init: str = "randn"
    dtype: str = "float32"
    draw: int = 0

    def __post_init__(self) -> None:
        _check_int("K (hidden layers)", self.K, 1, MAX_LAYERS)
        _check_int("d (width)", self.d, 1, MAX_WIDTH)
        _check_int("batch", self.batch, 1, MAX_BATCH)
        _check_int("seed", self.seed, 0, MAX_SEED)
        _check_int("draw", self.draw, 0, MAX_SEED)
        if self.init not in INITS:
            raise ConfigError(f"init must be one of {', '.join(INITS)}, not {self.init!r}.")
        if self.dtype not in DTYPES:
            raise ConfigError(f"dtype must be one of {', '.join(DTYPES)}, not {self.dtype!r}.")
        if self.parameters > MAX_PARAMS:
            raise ConfigError(f"K={self.K} and d={self.d} make {self.parameters:,} parameters; "
                              f"at most {MAX_PARAMS:,} fit in memory here.")
        if self.batch * self.d * self.layers > MAX_ACTIVATIONS:
            raise ConfigError(f"batch={self.batch}, d={self.d} and K={self.K} make "
                              f"{self.batch * self.d * self.layers:,} activations per pass; "
                              f"at most {MAX_ACTIVATIONS:,} fit in memory here.")

    @property
    def layers(self) -> int:
        """Number of linear layers: K hidden ones and the output layer."""
        return self.K + 1

    @property
    def parameters(self) -> int:
        """Number of scalar parameters: K layers of d x d + d, and d + 1 at the output."""
        return self.K * (self.d * self.d + self.d) + self.d + 1

    def as_dict(self) -> dict[str, int | str]:
        """The config as plain JSON-ready values, in field order."""
        return asdict(self)

    def describe(self) -> str:
        """One line, `K=10 d=10 batch=1 seed=2 init=randn dtype=float32 draw=0`."""
        return " ".join(f"{k}={v}" for k, v in self.as_dict().items())

    @classmethod
    def parse(cls, text: str) -> RunConfig:
        """Inverse of `describe`; raises ConfigError on anything else."""
        types = {f.name: f.type for f in fields(cls)}
        values: dict[str, int | str] = {}
        for item in text.split():
            key, sep, value = item.partition("=")
            if not sep or key not in types or key in values:
                raise ConfigError(f"cannot read the config {text!r}.")
            if types[key] in ("int", int):
                try:
                    values[key] = int(value)
                except ValueError:
                    raise ConfigError(f"{key} must be a whole number, not {value!r}.") from None
            else:
                values[key] = value
        return cls(**values)  # type: ignore[arg-type]


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError(f"{name} must be a whole number, not {value!r}.")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {value}.")
