"""The notes on the assignment, formatted: backprop.notes computed every number."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from backprop.compare import significant
from report.model import Notes, Scale

if TYPE_CHECKING:
    from backprop.notes import AssignmentNotes, LayerScale


def format_notes(notes: AssignmentNotes) -> Notes:
    """The report's Notes: each number of `notes` as the prose prints it."""
    return Notes(
        y=significant(notes.y),
        y_code=significant(notes.y_code),
        loss_code=significant(notes.loss_code),
        loss_half=significant(notes.loss_half),
        grad_half=significant(notes.grad_half),
        exact_zeros=notes.exact_zeros,
        pre_activations=notes.pre_activations,
        homework_agrees=notes.homework_agrees,
        homework_label_max=_size(notes.homework_label_max),
        dead_seed=notes.dead_seed,
        dead_z_out="" if notes.dead_z_out is None else significant(notes.dead_z_out),
        dead_autograd_max=_size(notes.dead_autograd_max),
        dead_homework_max=_size(notes.dead_homework_max),
        other_init=notes.other_init,
        other_max=_size(notes.other_max),
        this_max=_size(notes.this_max),
        other_max_value=notes.other_max,
        this_max_value=notes.this_max,
        params=notes.params,
    )


def scales(notes: AssignmentNotes) -> tuple[Scale, ...]:
    """The log-scale chart's series: this run, then the other init."""
    return tuple(_scale(s) for s in notes.scales)


def _scale(scale: LayerScale) -> Scale:
    return Scale(scale.label, scale.values, scale.growth)


def _size(value: float) -> str:
    """A largest |gradient| for the prose: 5 significant digits, or what it is instead."""
    if value == 0:
        return "0"
    return significant(value) if math.isfinite(value) else "inf or nan"
