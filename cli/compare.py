"""`gradreport compare A.dat B.dat`: do two .dat files agree to N significant digits?"""

from __future__ import annotations

import argparse

from rich.markup import escape
from rich.table import Table

from backprop.errors import UserError
from backprop.verdict import agreement_sentence
from cli.console import console, styled
from cli.options import UsageError, whole_number


def add_command(commands: argparse._SubParsersAction) -> None:
    """Add `compare` to gradreport's subcommands."""
    compare = commands.add_parser("compare", help="compare two .dat files",
                                  description="Say, per parameter, whether two .dat files "
                                              "agree to N significant digits. Exit 0 when "
                                              "all agree, 1 when some differ, 2 on bad input.")
    compare.add_argument("first", metavar="A.dat")
    compare.add_argument("second", metavar="B.dat")
    compare.add_argument("--digits", type=whole_number, default=5, metavar="N",
                         help="significant digits that must agree (1..17, default 5)")


def run(args: argparse.Namespace) -> int:
    """Compare two .dat files; 0 when all agree, 1 when some differ."""
    if not 1 <= args.digits <= 17:
        raise UsageError(f"--digits must be between 1 and 17, not {args.digits}")
    from backprop.compare import compare as compare_tensors  # torch, once the options are good
    from backprop.tensortext import read_gradients

    first, second, digits = args.first, args.second, args.digits
    a, b = read_gradients(first), read_gradients(second)
    if a.config is not None and b.config is not None and a.config != b.config:
        fields = [f"{k}={va} vs {b.config.as_dict()[k]}"
                  for k, va in a.config.as_dict().items() if va != b.config.as_dict()[k]]
        raise UserError(f"{first} and {second} come from different runs "
                        f"({', '.join(fields)}), so their gradients cannot be compared")
    _same_layout(first, a.tensors, second, b.tensors)
    table = Table(title=escape(f"{first} ({a.kind}) vs {second} ({b.kind})"),
                  title_justify="left")
    for header in ("param", "shape", f"agree @{digits}", "differ", "inf/nan", "max abs err",
                   "max rel err", "bitwise"):
        # A number is never cut (1.000e-… hides whether it is 1e-06 or 1e-01): headers wrap
        table.add_column(header, justify="left" if header in ("param", "shape") else "right",
                         min_width=8 if header.startswith("max") else None)
    results = [compare_tensors(name, x, y, digits)
               for name, x, y in zip(a.tensors, a.tensors.values(), b.tensors.values())]
    for r in results:
        table.add_row(r.name, "x".join(map(str, r.shape)),
                      "yes" if r.agree else "[red]NO[/]", str(r.differ), str(r.nonfinite),
                      f"{r.max_abs_error:.2e}", f"{r.max_rel_error:.2e}",
                      "yes" if r.bitwise else "no")
    screen = console()
    screen.print(table)
    screen.print(styled(agreement_sentence(results) + "."))
    return 0 if all(r.agree for r in results) else 1


def _same_layout(first: str, a: dict, second: str, b: dict) -> None:
    """As many tensors, of the same shapes, in both files; else one sentence."""
    if len(a) != len(b):
        raise UserError(f"{first} holds {len(a)} tensors and {second} {len(b)}, so they "
                        "cannot be compared one by one")
    for (name, x), y in zip(a.items(), b.values()):
        if x.shape != y.shape:
            raise UserError(f"{name} is {tuple(x.shape)} in {first} but {tuple(y.shape)} in "
                            f"{second}, so they cannot be compared")
