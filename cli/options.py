"""The options both programs share (gradreport and gradtui), and how they are read.

Checked before torch is imported, so a bad option fails at once; every error a user can
cause here ends in one sentence (UsageError, ConfigError).
"""

from __future__ import annotations

import argparse
import re

from backprop.config import (
    DTYPES,
    INITS,
    MAX_ACTIVATIONS,
    MAX_BATCH,
    MAX_LAYERS,
    MAX_PARAMS,
    MAX_WIDTH,
    RunConfig,
)
from backprop.errors import UserError


class UsageError(UserError):
    """A bad command line; its message is one sentence."""


class OptionParser(argparse.ArgumentParser):
    """argparse for gradreport and gradtui: a usage error is one sentence, not a usage dump."""

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        """As argparse; a subcommand's parser reports its own unknown options, so the
        sentence points to `gradreport build --help`, not to `gradreport --help`."""
        namespace, extras = super().parse_known_args(args, namespace)
        if extras and " " in self.prog:   # "gradreport build": a subcommand
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras

    def error(self, message: str) -> None:  # type: ignore[override]
        """Raise UsageError instead of printing usage and exiting."""
        raise UsageError(f"{message} (see '{self.prog} --help')")


def whole_number(text: str) -> int:
    """An option's integer: ASCII digits with an optional sign (not '1_0', not '٣')."""
    if not re.fullmatch(r"[+-]?[0-9]+", text.strip()):
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}")
    return int(text)


def folder_name(text: str) -> str:
    """An option naming a folder: not empty (an empty --out would mean the current one)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("a folder name cannot be empty")
    return text


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The run options shared by `gradreport` and `gradtui`."""
    group = parser.add_argument_group("run options", (
        f"Together, K, d and batch may make at most {MAX_PARAMS:,} parameters and "
        f"{MAX_ACTIVATIONS:,} activations (batch x d x (K+1))."))
    default = RunConfig()
    group.add_argument("-K", "--layers", dest="K", type=whole_number, default=default.K,
                       metavar="K",
                       help=f"hidden layers (1..{MAX_LAYERS}, default {default.K})")
    group.add_argument("-d", "--width", dest="d", type=whole_number, default=default.d,
                       metavar="D",
                       help=f"width of every hidden layer and of x (1..{MAX_WIDTH}, "
                            f"default {default.d})")
    group.add_argument("--batch", type=whole_number, default=default.batch, metavar="N",
                       help=f"data points fed at once (1..{MAX_BATCH}, default {default.batch})")
    group.add_argument("--seed", type=whole_number, default=default.seed, metavar="S",
                       help=f"seed of the parameters and of x (default {default.seed}, "
                            "a live network)")
    group.add_argument("--init", choices=INITS, default=default.init,
                       help="parameter init: randn (std 1, as the homework), kaiming, xavier "
                            f"(default {default.init})")
    group.add_argument("--dtype", choices=DTYPES, default=default.dtype,
                       help=f"floating-point type of the whole run (default {default.dtype})")
    group.add_argument("--draw", type=whole_number, default=default.draw, metavar="N",
                       help="which draw of x for this seed: 0, 1, 2, ... (default 0)")


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """Build the RunConfig from parsed run options; raises ConfigError."""
    return RunConfig(K=args.K, d=args.d, batch=args.batch, seed=args.seed,
                     init=args.init, dtype=args.dtype, draw=args.draw)
