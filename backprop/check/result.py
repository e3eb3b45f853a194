"""Check: everything a check of a student's backward pass found, and its JSON record."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from backprop.check.agree import Judged
from backprop.check.diagnosis import Diagnosis
from backprop.config import RunConfig


@dataclass(frozen=True)
class SweepRow:
    """One sweep config: does the student's pass agree with autograd there?"""

    config: RunConfig
    agree: bool
    differ: tuple[str, ...]   # the gradients that differ: W3, b3, ...


@dataclass(frozen=True)
class Check:
    """A student's backward pass against autograd: default run, sweep and diagnosis."""

    source: str                      # "mine.py:backward"
    config: RunConfig                # the default run's
    rows: tuple[Judged, ...]         # the default run, output layer first
    first: str | None                # where it first differs, one sentence (None: agrees)
    notes: tuple[str, ...]           # nan where autograd has numbers, and the like
    sweep: tuple[SweepRow, ...]
    smallest: RunConfig | None       # the smallest failing config, of the run and the sweep
    command: str | None              # the command that reproduces it
    diagnosis: Diagnosis
    output: str                      # what the function printed (the start of it)
    printed: int                     # how many characters it printed in all
    gradients: dict[str, torch.Tensor]   # the student's, default run: my_autograd.dat
    autograd: dict[str, torch.Tensor]    # autograd's, default run: torch_autograd.dat

    @property
    def agree(self) -> bool:
        """True when the default run and every sweep config agree."""
        return all(r.agree for r in self.rows) and all(s.agree for s in self.sweep)

    @property
    def exit_status(self) -> int:
        """0 when everything agrees, 1 when something differs."""
        return 0 if self.agree else 1

    @property
    def passed(self) -> int:
        """How many sweep configs agree."""
        return sum(s.agree for s in self.sweep)

    def verdict(self) -> str:
        """One sentence on the default run."""
        gradients = [r for r in self.rows if r.kind in ("grad_W", "grad_b")]
        bad = [r for r in self.rows if not r.agree]
        if not bad:
            extra = len(self.rows) - len(gradients)
            also = f" and so do the {extra} intermediates you returned" if extra else ""
            return (f"All {len(gradients)} of your gradients agree with autograd at 5 "
                    f"significant digits{also}.")
        verb = "differs" if len(bad) == 1 else "differ"
        return f"{len(bad)} of the {len(self.rows)} tensors you returned {verb} from autograd."

    def sweep_sentence(self) -> str:
        """How many sweep configs pass, and the smallest failing one."""
        total = len(self.sweep)
        if self.passed == total:
            return f"The sweep: all {total} configs agree."
        return (f"The sweep: {self.passed} of {total} configs agree; the smallest that "
                f"differs is {self.command}")

    def sentences(self) -> list[str]:
        """Everything the command line prints below the table, in order."""
        lines = [self.verdict()]
        if self.first:
            # "dL/dW_10 is the first ...": a symbol keeps its case at the start of a sentence
            lines.append(self.first if self.first.startswith("dL/")
                         else self.first[0].upper() + self.first[1:])
        lines += list(self.notes)
        lines.append(self.sweep_sentence())
        lines.append("Diagnosis: " + self.diagnosis.sentence)
        if self.printed:
            lines.append(f"Your function printed {self.printed:,} characters (the first "
                         f"{len(self.output):,} are in check.json).")
        return lines

    def record(self) -> dict:
        """check.json's content: every number and sentence printed."""
        return {
            "format": "backprop-lab check 1",
            "source": self.source,
            "config": self.config.as_dict(),
            "agree": self.agree,
            "exit_status": self.exit_status,
            "rows": [{"name": r.name, "kind": r.kind, "layer": r.layer,
                      "shape": list(r.agreement.shape), "agree": r.agree, "differ": r.differ,
                      "nonfinite": r.agreement.nonfinite,
                      "max_rel_error": _number(r.agreement.max_rel_error),
                      "bitwise": r.agreement.bitwise} for r in self.rows],
            "first_difference": self.first,
            "notes": list(self.notes),
            "sweep": [{"config": s.config.as_dict(), "agree": s.agree, "differ": list(s.differ)}
                      for s in self.sweep],
            "smallest_failing": None if self.smallest is None else self.smallest.as_dict(),
            "command": self.command,
            "diagnosis": {"status": self.diagnosis.status,
                          "mistakes": [list(m) for m in self.diagnosis.mistakes],
                          "sentence": self.diagnosis.sentence},
            "sentences": self.sentences(),
            "output": self.output,
            "printed": self.printed,
        }

    def _repr_html_(self) -> str:
        """The check as an HTML table, for Jupyter."""
        from backprop.check.html import check_html

        return check_html(self)

    def __rich__(self) -> str:
        """The check as Rich console markup (a plain str: backprop does not import rich)."""
        from backprop.check.html import check_markup

        return check_markup(self)


def _number(value: float) -> float | str:
    """A JSON number, or 'inf'/'nan' as text (JSON has no such numbers)."""
    return value if math.isfinite(value) else str(value)
