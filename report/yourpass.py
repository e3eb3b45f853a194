"""Check -> YourPass: the chapter "Your backward pass" as plain data, numbers formatted.

Every number and sentence is the Check's (backprop.check); this only picks and formats.
The dataclasses need no torch, so the renderer's process can read them (report.worker).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from report.model import MAX_COLS, MAX_ROWS, Block, Listing

if TYPE_CHECKING:
    from backprop.check.result import Check

_GRADIENTS = ("grad_W", "grad_b")


@dataclass(frozen=True)
class PassRow:
    """One tensor the student returned, against autograd's (default run)."""

    name: str                    # "dL/dW_3", "δ_3"
    shape: str                   # "10×10"
    state: str                   # "agree", "differ" or "not comparable"
    differ: int                  # entries that differ beyond rounding
    nonfinite: int               # entries that are inf or nan in either
    max_rel_error: str


@dataclass(frozen=True)
class SweepLine:
    """One sweep config: its options and, where it fails, the gradients that differ."""

    options: str                 # "-K 1 -d 1 --seed 3"
    agree: bool
    differ: str                  # "W1, b1" or "all 4 gradients"; "" where it agrees

    @property
    def words(self) -> tuple[str, ...]:
        """The options one by one, each with its value: "-K 1", "--seed 3" (kept on a line)."""
        return tuple(re.findall(r"-{1,2}\S+(?: [^-\s]\S*)?", self.options))


@dataclass(frozen=True)
class YourPass:
    """Everything the chapter shows about a check of the student's backward pass."""

    source: str                  # "mine.py:backward", as the user named it
    function: str
    listing: Listing             # their whole file, numbered with its own lines
    describe: str                # the default run's config, one line
    agree: bool                  # the default run and every sweep config agree
    verdict: str
    first: str | None            # where it first differs, one sentence
    notes: tuple[str, ...]
    rows: tuple[PassRow, ...]    # output layer first
    divergence: Block | None     # the first gradient that differs: theirs beside autograd's
    divergence_name: str | None  # its name in the check's notation: "dL/dW_3"
    intermediates: bool          # the function returned intermediates too
    sweep: tuple[SweepLine, ...]
    passed: int
    sweep_sentence: str
    smallest: str | None         # the smallest failing config's options
    command: str | None          # and the command that checks it alone
    diagnosis: str               # the sentence
    diagnosis_status: str        # "correct", "matched" or "unmatched"
    mistakes: tuple[str, ...]    # what each mistaken pass tried does: "does not mask ..."
    exit_status: int


def your_pass(check: Check, path: str, source: str, function: str) -> YourPass:
    """The chapter's data from `check`; `source` is the text of the student's file `path`."""
    from backprop.check.mutants import MISTAKES
    from backprop.check.sweep import options
    from backprop.verdict import state_of

    rows = tuple(PassRow(r.name, "×".join(map(str, r.agreement.shape)),
                         state_of(r.differ, r.agreement.nonfinite), r.differ,
                         r.agreement.nonfinite, _error(r.agreement.max_rel_error))
                 for r in check.rows)
    wrong = next((r for r in check.rows if r.kind in _GRADIENTS and not r.agree), None)
    return YourPass(
        source=check.source, function=function,
        listing=Listing(function, path, source, 1),
        describe=check.config.describe(), agree=check.agree, verdict=check.verdict(),
        first=None if check.first is None else check.first[0].upper() + check.first[1:],
        notes=check.notes, rows=rows,
        divergence=None if wrong is None else _block(check, wrong.kind, wrong.layer),
        divergence_name=None if wrong is None else wrong.name,
        intermediates=any(r.kind not in _GRADIENTS for r in check.rows),
        sweep=tuple(SweepLine(options(s.config), s.agree, _differ(s.differ, 2 * s.config.layers))
                    for s in check.sweep),
        passed=check.passed, sweep_sentence=check.sweep_sentence(),
        smallest=None if check.smallest is None else options(check.smallest),
        command=check.command, diagnosis=check.diagnosis.sentence,
        diagnosis_status=check.diagnosis.status,
        mistakes=tuple(m.does for m in MISTAKES), exit_status=check.exit_status)


def _block(check: Check, kind: str, layer: int) -> Block:
    """The student's gradient beside autograd's at 5 digits, entries that differ marked."""
    from backprop.check.agree import entries_that_differ
    from backprop.compare import significant

    name = ("W" if kind == "grad_W" else "b") + str(layer)
    mine, theirs = check.gradients[name], check.autograd[name]
    marks = entries_that_differ(mine, theirs)[:MAX_ROWS, :MAX_COLS].tolist()

    def shown(t) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(significant(v) for v in row)
                     for row in t[:MAX_ROWS, :MAX_COLS].tolist())

    return Block(name, layer, (theirs.shape[0], theirs.shape[1]), shown(theirs), shown(mine),
                 tuple(tuple(bool(v) for v in row) for row in marks))


def _differ(names: tuple[str, ...], total: int) -> str:
    """The gradients that differ on a sweep config, in words."""
    if not names:
        return ""
    if len(names) > 6:
        return f"{len(names)} gradients" + (" (all)" if len(names) == total else f" of {total}")
    return ", ".join(names)


def _error(value: float) -> str:
    if value != value:   # nan: nothing finite to compare
        return "–"
    return "0" if value == 0 else f"{value:.1e}"
