"""How gradtui names a comparison of the two passes: agree, differ, or not comparable.

`Agreement.agree` is False both when entries differ and when a tensor holds inf or nan
(which have no significant digits, even where both passes hold the very same bits).
A student must be able to tell the two apart, so the screen shows three states.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from backprop.compare import Agreement

State = Literal["agree", "differ", "not comparable"]

# The mark of each state in the step list, and its style; the help screen reads these too.
MARKS: dict[State, tuple[str, str]] = {
    "agree": (" ", ""),
    "differ": ("✗", "bold $error"),
    "not comparable": ("?", "bold $warning"),
}


def state(agreement: Agreement) -> State:
    """`differ` when some entry differs (a number against another, or against inf/nan);
    else `not comparable` when the tensors hold inf or nan; else `agree`."""
    if agreement.differ:
        return "differ"
    if agreement.nonfinite:
        return "not comparable"
    return "agree"
