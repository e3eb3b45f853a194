"""A step's grid as tab-separated text, every digit its dtype holds, for the clipboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backprop.compare import round_trip_digits, significant
from tui.grid import blocks_for

if TYPE_CHECKING:
    from backprop.steps import Step


def grid_copy(step: Step, view: int) -> tuple[str, str]:
    """(text, shape) of grid `view` (hand-written, autograd, difference) of `step`: one line
    per row, tab between entries; a mask's entries are 1 and 0."""
    from tui.widgets.values import as_rows

    is_mask = step.tag == "mask"
    block = blocks_for(as_rows(step.manual), as_rows(step.autograd), is_mask, False)[view]
    digits = 17 if view == 2 else round_trip_digits(step.manual.dtype)

    def cell(value: float | bool) -> str:
        return str(int(value)) if isinstance(value, bool) else significant(value, digits)

    text = "".join("\t".join(cell(v) for v in row) + "\n" for row in block.rows)
    return text, f"{len(block.rows)}×{len(block.rows[0])}"
