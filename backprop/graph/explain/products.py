"""Matrix products: mm and addmm (nn.Linear's product plus bias in one step)."""

from __future__ import annotations

from backprop.graph.explain.registry import Node, template


@template("MmBackward0")
def _mm(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by the matrix product {n.made(f'{a} @ {b}')} (self = {a}, mat2 = {b}). "
            f"Backward receives g = {n.g_of} and returns one gradient per factor: "
            f"{n.flow(0, f'dL/d{a} = g @ {b}^T (this needs the saved mat2)')}; "
            f"{n.flow(1, f'dL/d{b} = {a}^T @ g (this needs the saved self)')}.",
            "grad_self = g @ mat2^T;  grad_mat2 = self^T @ g")


@template("AddmmBackward0")
def _addmm(n: Node) -> tuple[str, str]:
    c, a, b = n.op(0), n.op(1), n.op(2)
    return (f"Created by addmm, {n.made(f'{c} + {a} @ {b}')}: a matrix product plus a bias in "
            f"one step, as nn.Linear does it (there mat2 is the transposed weight). Backward "
            f"receives g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{c} = g summed over the rows it was broadcast to')}; "
            f"{n.flow(1, f'dL/d{a} = g @ {b}^T')}; {n.flow(2, f'dL/d{b} = {a}^T @ g')}.",
            "grad_input = sum_rows(g);  grad_mat1 = g @ mat2^T;  grad_mat2 = mat1^T @ g")
