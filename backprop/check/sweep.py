"""The sweep: a fixed set of configs chosen to expose what the default run cannot."""

from __future__ import annotations

import random
from collections.abc import Sequence

from backprop.config import DEFAULT_SEED, RunConfig

SWEEP_SEED = 10  # the number: the sweep never changes between runs or machines


def sweep_configs() -> tuple[RunConfig, ...]:
    """At least 50 configs: K=1, d=1, batches, dead units, float64, every init, K<=12, d<=24."""
    rng = random.Random(SWEEP_SEED)
    configs = []
    # The smallest nets: about half of these seeds have a dead output unit under randn.
    configs += [RunConfig(K=1, d=1, seed=seed) for seed in range(6)]
    configs += [RunConfig(K=1, d=d, seed=seed) for d, seed in ((2, 0), (2, 1), (3, 2), (5, 3))]
    configs += [RunConfig(K=K, d=1, seed=seed) for K, seed in ((2, 0), (3, 1), (4, 2))]
    # Bias gradients are summed over the batch: a batch of 1 cannot tell the sum from a mean.
    configs += [RunConfig(K=1, d=2, batch=batch, seed=seed)
                for batch, seed in ((2, 0), (3, 1), (4, 2))]
    configs += [RunConfig(K=2, d=3, batch=batch, seed=seed, init=init)
                for batch, seed, init in ((2, 3, "randn"), (5, 4, "kaiming"), (8, 5, "xavier"))]
    # Every init in both dtypes, at random small sizes.
    for init in ("randn", "kaiming", "xavier"):
        for dtype in ("float32", "float64"):
            for _ in range(3):
                configs.append(RunConfig(K=rng.randint(2, 6), d=rng.randint(2, 8),
                                         batch=rng.choice((1, 1, 2, 3)),
                                         seed=rng.randrange(1000), init=init, dtype=dtype))
    # The default shape at other seeds (some dead), and the default run itself again: a
    # pass whose gradients pile up across calls gives twice the first answer there.
    configs += [RunConfig(K=10, d=10, seed=seed) for seed in (0, 1, 3, 4)]
    configs.append(RunConfig(seed=DEFAULT_SEED))
    # The largest: deep and wide, in both dtypes.
    configs += [RunConfig(K=12, d=24, batch=batch, seed=seed, init=init, dtype=dtype)
                for batch, seed, init, dtype in ((1, 0, "randn", "float32"),
                                                 (3, 1, "kaiming", "float32"),
                                                 (2, 2, "xavier", "float64"),
                                                 (4, 3, "randn", "float64"))]
    configs += [RunConfig(K=rng.randint(6, 12), d=rng.randint(9, 24), batch=rng.randint(1, 4),
                          seed=rng.randrange(1000), init=rng.choice(("randn", "kaiming")))
                for _ in range(6)]
    return tuple(configs)


def size_key(config: RunConfig) -> tuple[int, int, int]:
    """Order of 'smallest': fewest layers, then width, then batch."""
    return (config.layers, config.d, config.batch)


def options(config: RunConfig) -> str:
    """The run options that reproduce `config`, defaults left out: '-K 1 -d 1 --seed 3'."""
    default = RunConfig()
    words = [f"-K {config.K}", f"-d {config.d}"]
    if config.batch != default.batch:
        words.append(f"--batch {config.batch}")
    words.append(f"--seed {config.seed}")
    for name in ("init", "dtype"):
        if getattr(config, name) != getattr(default, name):
            words.append(f"--{name} {getattr(config, name)}")
    if config.draw:
        words.append(f"--draw {config.draw}")
    return " ".join(words)


def where(configs: Sequence[RunConfig], index: int) -> str:
    """Names call `index` in a sentence: 'on the default run (-K 10 ...)' or a sweep config."""
    if index == 0:
        return f"on the default run ({options(configs[0])})"
    return f"on sweep config {index} of {len(configs) - 1} ({options(configs[index])})"


def plan(config: RunConfig, sweep: bool = True) -> tuple[RunConfig, ...]:
    """The configs a check runs, in order: the default run, then the sweep."""
    return (config, *sweep_configs()) if sweep else (config,)
