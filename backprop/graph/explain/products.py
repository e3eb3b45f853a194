"""Products: mm, addmm (nn.Linear's product plus bias in one step), bmm, mv and dot."""

from __future__ import annotations

from backprop.graph.explain.registry import Node, template


def _scaled(factor: object, text: str) -> str:
    """'3 * (x @ W)', or the text alone when the factor is 1."""
    return text if factor in (None, 1, 1.0) else f"{factor:g} * {text}"


@template("MmBackward0", grads=(lambda c: c.g @ c.mat2.mT, lambda c: c.self.mT @ c.g))
def _mm(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    text = (f"Created by the matrix product {n.made(f'{a} @ {b}')} (self = {a}, mat2 = {b}). "
            f"Backward receives g = {n.g_of} and returns one gradient per factor that needs "
            f"one: ")
    to_a = n.targets[0] is not None
    to_b = len(n.targets) > 1 and n.targets[1] is not None
    if to_a and to_b:
        text += (f"{n.flow(0, f'dL/d{a} = g @ {b}^T (this needs the saved mat2)')}; "
                 f"{n.flow(1, f'dL/d{b} = {a}^T @ g (this needs the saved self)')}.")
    elif to_b:  # the first layer: x needs no gradient, so W's is the only one
        text += (f"{n.flow(1, f'dL/d{b} = {a}^T @ g')}. No gradient goes to {a}, which needs "
                 f"none, so only self = {a} was saved (mat2 would serve dL/d{a} alone).")
    else:
        text += (f"{n.flow(0, f'dL/d{a} = g @ {b}^T')}. No gradient goes to {b}, which needs "
                 f"none, so only mat2 = {b} was saved.")
    return text, "grad_self = g @ mat2^T;  grad_mat2 = self^T @ g"


@template("AddmmBackward0", grads=(lambda c: c.beta * c.g,
                                   lambda c: c.alpha * (c.g @ c.mat2.mT),
                                   lambda c: c.alpha * (c.mat1.mT @ c.g)))
def _addmm(n: Node) -> tuple[str, str]:
    c, a, b = n.op(0), n.op(1), n.op(2)
    alpha, beta = n.values.get("alpha", 1), n.values.get("beta", 1)
    made = f"{_scaled(beta, c)} + {_scaled(alpha, f'({a} @ {b})')}"
    factors = "" if alpha == 1 and beta == 1 else f" (beta = {beta:g}, alpha = {alpha:g})"
    return (f"Created by addmm, {n.made(made)}{factors}: a matrix product plus a bias in one "
            f"step, as nn.Linear does it (there mat2 is the transposed weight). Backward "
            f"receives g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{c} = ' + _scaled(beta, 'g') + ', summed over the rows it was broadcast to')}; "  # noqa: E501
            f"{n.flow(1, f'dL/d{a} = ' + _scaled(alpha, f'g @ {b}^T'))}; "
            f"{n.flow(2, f'dL/d{b} = ' + _scaled(alpha, f'{a}^T @ g'))}.",
            "grad_input = beta * sum_rows(g);  grad_mat1 = alpha * g @ mat2^T;  "
            "grad_mat2 = alpha * mat1^T @ g")


@template("BmmBackward0", grads=(lambda c: c.g @ c.mat2.mT, lambda c: c.self.mT @ c.g))
def _bmm(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by a batch of matrix products, {n.made(f'{a} @ {b}')}, one per entry "
            f"of the leading dimension (attention's scores and mixing are such products). "
            f"Backward does each product's backward, with g = {n.g_of}: "
            f"{n.flow(0, f'dL/d{a} = g @ {b}^T')}; {n.flow(1, f'dL/d{b} = {a}^T @ g')} "
            f"(^T swaps the last two dimensions).",
            "grad_self = g @ mat2^T;  grad_mat2 = self^T @ g  (per batch entry)")


@template("MvBackward0", grads=(lambda c: c.g.unsqueeze(-1) * c.vec,
                                lambda c: c.self.mT @ c.g))
def _mv(n: Node) -> tuple[str, str]:
    a, v = n.op(0), n.op(1)
    return (f"Created by a matrix-vector product, {n.made(f'{a} @ {v}')}. Backward, with "
            f"g = {n.g_of}: {n.flow(0, f'dL/d{a} = outer(g, {v})')}; "
            f"{n.flow(1, f'dL/d{v} = {a}^T @ g')}.",
            "grad_self = outer(g, vec);  grad_vec = self^T @ g")


@template("DotBackward0", grads=(lambda c: c.g * c.tensor, lambda c: c.g * c.self))
def _dot(n: Node) -> tuple[str, str]:
    a, b = n.op(0), n.op(1)
    return (f"Created by the dot product {n.made(f'{a} . {b}')}, a sum of products. Each "
            f"vector's gradient is the scalar g = {n.g_of} times the other vector: "
            f"{n.flow(0, f'dL/d{a} = g * {b}')}; {n.flow(1, f'dL/d{b} = g * {a}')}.",
            "grad_self = g * tensor;  grad_tensor = g * self")
