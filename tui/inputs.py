"""The inputs of a step, drawn under its grids so that its equation can be read off.

dL/dW_k = h_{k-1}^T delta_k (batch 1) is drawn as an outer-product table: h_{k-1} as a
column on the left, delta_k as a row on top, each entry their product. Every other step
shows its inputs as grids of their own (delta_k beside dL/dh_k and the mask m_k, z_k
with h_{k-1}, W_k and b_k, the loss with y_pred and y).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from tui.cells import Scale, compact
from tui.grid import NUMBER_CELL, Block, block_size, render_block

MAX_DRAWN = 32 * 32   # entries of the largest input drawn as a grid

if TYPE_CHECKING:
    import torch

    from backprop.inputs import Inputs
    from backprop.steps import Step


def _rows(tensor: torch.Tensor) -> list[list]:
    if tensor.dim() == 0:
        return [[tensor.item()]]
    return tensor.reshape(tensor.shape[0] if tensor.dim() > 1 else 1, -1).tolist()


def outer_table(step: Step, inputs: Inputs, log: bool, width: int) -> list[Content] | None:
    """dL/dW_k with h_{k-1} down the left and delta_k along the top; None if it cannot be
    drawn so (a batch of more than one, or too wide for numbers)."""
    (h_name, h), (d_name, delta) = inputs
    if h.shape[0] != 1 or 4 + NUMBER_CELL * (1 + delta.shape[1]) > width:
        return None
    h_row, d_row, grad = h[0].tolist(), delta[0].tolist(), step.manual.tolist()
    h_scale, d_scale, g_scale = Scale.of([h_row], log), Scale.of([d_row], log), Scale.of(grad,
                                                                                       log)
    label = len(str(len(h_row))) + 1

    def cell(value: float, scale: Scale) -> tuple[str, object]:
        return compact(value).rjust(NUMBER_CELL), scale.style(value)

    lines = [Content.assemble((f"{step.symbol}[i,j] = {h_name}[i] × {d_name}[j]", "bold"),
                              (f"   ({h_name} down the left, {d_name} along the top)", "dim")),
             Content.assemble(" " * (label + NUMBER_CELL + 1), *(cell(v, d_scale)
                                                                  for v in d_row))]
    for i, (value, row) in enumerate(zip(h_row, grad, strict=True), start=1):
        lines.append(Content.assemble((str(i).rjust(label - 1) + " ", "dim"),
                                      cell(value, h_scale), " ",
                                      *(cell(v, g_scale) for v in row)))
    return lines


def input_lines(step: Step, inputs: Inputs, log: bool, width: int) -> list[Content]:
    """The lines that show what `step` is computed from, under its grids."""
    names = ", ".join(name for name, _ in inputs)
    lines = [Content(""), Content.assemble(("computed from ", "dim"), (names, "bold"))]
    if step.tag == "grad_W":
        table = outer_table(step, inputs, log, width)
        if table is not None:
            return [*lines, *table]
    for name, tensor in inputs:
        if tensor.numel() > MAX_DRAWN:   # a 64x64 W_k would cost more than the step itself
            shape = "×".join(str(n) for n in tensor.shape)
            lines += [Content(""), Content.assemble((name, "bold"), (
                f" ({shape}): too large to draw beside every step; it is in run.json (e)",
                "dim"))]
            continue
        rows = _rows(tensor)
        scale = Scale.of(rows, log) if tensor.dtype.is_floating_point else None
        block = Block(name, rows, scale)
        numbers = block_size(block, True, width)[0] <= width
        lines += [Content(""), *render_block(block, numbers, width)]
    return lines
