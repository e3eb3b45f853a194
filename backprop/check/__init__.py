"""Checking a student's own backward pass: `from backprop import check; check(backward)`.

The package is itself callable, so the notebook line above works while `backprop.check.*`
stays a package of small modules. Nothing heavy is imported until a check runs.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backprop.check.result import Check
    from backprop.config import RunConfig


def check(backward: Callable, config: RunConfig | None = None, sweep: bool = True) -> Check:
    """Check `backward(W, b, x, y)` here, in this process, on the default run and the sweep."""
    from backprop.check.core import assemble, one_thread, run_in_process
    from backprop.check.sweep import plan
    from backprop.config import RunConfig

    configs = plan(config or RunConfig(), sweep)
    name = getattr(backward, "__name__", "backward")
    with one_thread():
        return assemble(name, configs, run_in_process(backward, configs),
                        reproduce=lambda c: f"check({name}, RunConfig({_arguments(c)}), "
                                            "sweep=False)")


def _arguments(config: RunConfig) -> str:
    """RunConfig's arguments that differ from the defaults: 'K=1, d=1, seed=3'."""
    from backprop.config import RunConfig

    default = RunConfig().as_dict()
    return ", ".join(f"{key}={value!r}" for key, value in config.as_dict().items()
                     if value != default[key] or key in ("K", "d", "seed"))


class _CallableModule(types.ModuleType):
    """The module type of backprop.check: calling it calls `check`."""

    def __call__(self, backward: Callable, config: RunConfig | None = None,
                 sweep: bool = True) -> Check:
        return check(backward, config, sweep)


sys.modules[__name__].__class__ = _CallableModule
