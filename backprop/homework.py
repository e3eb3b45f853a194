"""The homework's own backward pass, as its text writes it, to show what it would give.

Two things differ from `manual_pass`: the loop starts with b_grad = grad_y_pred, so the
output ReLU's mask is never applied, and its code computes the label as
`x.pow(2).sum()/2` instead of dividing by d. The report's notes on the assignment run
this beside the real passes; nothing else uses it.
"""

from __future__ import annotations

import torch

from backprop.problem import Problem


def homework_label(x: torch.Tensor) -> torch.Tensor:
    """The homework code's label: `x.pow(2).sum()/2`, summed over the whole batch, as written."""
    return x.pow(2).sum() / 2


def homework_pass(problem: Problem, code_label: bool = False,
                  output_mask: bool = False) -> dict[str, torch.Tensor]:
    """dL/dW_k, dL/db_k as the homework's backprop code computes them (keyed W1, b1, ...).

    The forward pass is the network's; the backward loop is the homework's, translated
    to row vectors: no mask at the output layer, `b_grad[k][h_k <= 0] = 0` below it.
    With `code_label` the label is the code's `/2` one rather than the formula's `/d`;
    with `output_mask` the output's mask is applied too, so that only the label differs
    from the true gradient (what the label alone changes, dead output or not).
    """
    W, b, x = problem.weights, problem.biases, problem.x
    y = homework_label(x) if code_label else problem.y
    with torch.no_grad():
        h = [x]
        for Wk, bk in zip(W, b, strict=True):
            h.append(torch.relu(h[-1] @ Wk + bk))
        grad_y_pred = 2 * (h[-1] - y)
        n = len(W)
        b_grad: list[torch.Tensor] = [torch.empty(0)] * n
        w_grad: list[torch.Tensor] = [torch.empty(0)] * n
        for i in range(n):   # the homework's loop: layer n - i, from the output down
            k = n - 1 - i
            if i == 0:
                b_grad[k] = grad_y_pred                    # no output mask: the text's slip
                if output_mask:
                    b_grad[k] = torch.where(h[k + 1] <= 0, 0.0, b_grad[k])
            else:
                b_grad[k] = b_grad[k + 1] @ W[k + 1].T
                b_grad[k] = torch.where(h[k + 1] <= 0, 0.0, b_grad[k])  # b_grad[k][h <= 0] = 0
            w_grad[k] = h[k].T @ b_grad[k]
    grads: dict[str, torch.Tensor] = {}
    for k in range(n):
        grads[f"W{k + 1}"] = w_grad[k]
        grads[f"b{k + 1}"] = b_grad[k].sum(dim=0, keepdim=True)
    return grads
