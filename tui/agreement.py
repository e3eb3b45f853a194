"""How gradtui marks the three states of a comparison (backprop.verdict decides them).

`Agreement.agree` is False both when entries differ and when a tensor holds inf or nan
(which have no significant digits, even where both passes hold the very same bits).
A student must be able to tell the two apart, so the screen shows three states.
"""

from __future__ import annotations

from backprop.verdict import State, state

__all__ = ["MARKS", "State", "state"]

# The mark of each state in the step list, and its style; the help screen reads these too.
MARKS: dict[State, tuple[str, str]] = {
    "agree": (" ", ""),
    "differ": ("✗", "bold $error"),
    "not comparable": ("?", "bold $warning"),
}
