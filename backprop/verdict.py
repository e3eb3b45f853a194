"""What a comparison says, in words: the three states of a gradient and the verdict sentences.

Written once, here, for every view: the command line colours the spans marked `alarm`,
the report prints the plain text word for word, the TUI shows the short form.
A gradient *agrees* (every entry the same at N significant digits), *differs*, or is
*not comparable* because it holds inf or nan, which have no digits to agree on (even
where both passes hold the very same bits).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # torch: the command line reads this module before its options are checked
    from backprop.compare import Agreement
    from backprop.fd import FiniteDifferences
    from backprop.run import Run

State = Literal["agree", "differ", "not comparable"]
STATES: tuple[State, ...] = ("agree", "differ", "not comparable")


def state(agreement: Agreement) -> State:
    """`differ` when some entry differs (a number against another, or against inf/nan);
    else `not comparable` when the tensors hold inf or nan; else `agree`."""
    return state_of(agreement.differ, agreement.nonfinite)


def state_of(differ: int, nonfinite: int) -> State:
    """The state of a gradient with `differ` differing and `nonfinite` inf/nan entries."""
    if differ:
        return "differ"
    return "not comparable" if nonfinite else "agree"


@dataclass(frozen=True)
class Sentence:
    """A sentence in spans; a span with `alarm` set reports a failure (shown in red)."""

    spans: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        """The sentence as plain text."""
        return "".join(text for text, _ in self.spans)

    def __add__(self, other: Sentence | str) -> Sentence:
        """This sentence followed by `other` (a plain string is no alarm)."""
        more = other.spans if isinstance(other, Sentence) else ((other, False),)
        return Sentence(self.spans + more)


def plain(text: str) -> Sentence:
    """A sentence with no alarm in it."""
    return Sentence(((text, False),))


def alarm(text: str) -> Sentence:
    """A sentence that reports a failure."""
    return Sentence(((text, True),))


def digits_text(n: int) -> str:
    """'5 significant digits', '1 significant digit'."""
    return f"{n} significant digit{'' if n == 1 else 's'}"


def agreement_sentence(results: Sequence[Agreement]) -> Sentence:
    """'All 22 gradients agree at 5 significant digits ...', or what keeps them from it."""
    n, digits = len(results), results[0].digits
    if all(r.agree for r in results):
        text = f"All {n} gradients agree at {digits_text(digits)}"
        return plain(text + (" and are bit-for-bit identical" if all(r.bitwise for r in results)
                             else ""))
    parts = []
    differ = [r.name for r in results if r.differ]
    if differ:
        parts.append(f"{len(differ)} of {n} gradients differ at {digits_text(digits)} "
                     f"({', '.join(differ[:8])}{', ...' if len(differ) > 8 else ''})")
    broken = [r.name for r in results if r.nonfinite]
    if broken:
        parts.append(f"{len(broken)} of {n} gradients hold inf or nan, which have no digits "
                     "to agree on")
    return alarm(" and ".join(parts))


def fd_sentence(fd: FiniteDifferences) -> Sentence:
    """What finite differences (the third witness) say of the hand-written gradients."""
    if not fd.agree:
        return plain("finite differences (float64) ") + alarm("DISAGREE")
    if fd.resolved == 0:
        return plain("finite differences (float64) could not judge any entry")
    judged = ("" if fd.resolved == fd.checked else
              f" on all {fd.resolved} entries they could judge, of {fd.checked} checked")
    return plain(f"finite differences (float64) agree{judged}")


def verdict(run: Run) -> Sentence:
    """One line: do the passes agree, and do finite differences back them?"""
    return agreement_sentence(run.comparison) + "; " + fd_sentence(run.fd) + "."


def short_verdict(run: Run) -> tuple[str, bool]:
    """The verdict in a few words for a status line, and whether it is good news."""
    n = len(run.comparison)
    if any(d.severe for d in run.diagnostics):
        return f"{n} gradients compared: see the banner", False
    if run.bitwise:
        return f"all {n} gradients bit-for-bit identical", True
    if run.agree:
        return f"all {n} gradients agree", True
    states = [state(a) for a in run.comparison]
    differ, broken = states.count("differ"), states.count("not comparable")
    words = [f"{differ} of {n} gradients differ"] if differ else []
    words += [f"{broken} of {n} not comparable (inf/nan)"] if broken else []
    return ", ".join(words), False
