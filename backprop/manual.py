"""The forward and backward pass written by hand: the chain rule, with no autograd.

This is the code the report prints and the TUI steps through. Each line that computes a
quantity carries a marker in brackets, `# [delta] ...`, with the equation it implements;
`backprop.steps` finds the lines by these markers, never by number.
"""

from __future__ import annotations

import torch

from backprop.problem import Problem
from backprop.trace import Trace


@torch.no_grad()  # nothing here records a graph: no tensor gets a grad_fn
def manual_pass(problem: Problem) -> Trace:
    """Run the network forward, then carry dL/dz back layer by layer, by hand."""
    W = (None, *problem.weights)  # W[k] is W_k, for k = 1..n
    b = (None, *problem.biases)
    x, y = problem.x, problem.y
    n = len(problem.weights)  # K hidden layers + the output layer

    # Forward, with h_0 = x and the same ops as the autograd model.
    z, mask, h = [None] * (n + 1), [None] * (n + 1), [x] + [None] * n
    for k in range(1, n + 1):
        z[k] = h[k - 1] @ W[k] + b[k]  # [z] z_k = h_{k-1} W_k + b_k
        mask[k] = z[k] > 0  # [mask] m_k = [z_k > 0]
        h[k] = torch.relu(z[k])  # [h] h_k = relu(z_k)
    y_pred = h[n]
    loss = (y_pred - y).pow(2).sum()  # [loss] L = sum (y_pred - y)^2

    # Backward: delta_k = dL/dz_k, from the output layer down to layer 1.
    grad_h, delta = [None] * (n + 1), [None] * (n + 1)
    grad_W, grad_b = [None] * (n + 1), [None] * (n + 1)
    grad_h[n] = 2 * (y_pred - y)  # [grad_y_pred] dL/dy_pred = 2 (y_pred - y)
    for k in range(n, 0, -1):
        delta[k] = torch.where(mask[k], grad_h[k], 0.0)  # [delta] dL/dh_k * m_k
        grad_W[k] = h[k - 1].T @ delta[k]  # [grad_W] dL/dW_k = h_{k-1}^T delta_k
        grad_b[k] = delta[k].sum(dim=0, keepdim=True)  # [grad_b] sum of delta_k
        if k > 1:
            grad_h[k - 1] = delta[k] @ W[k].T  # [grad_h] dL/dh_{k-1} = delta_k W_k^T
    return Trace(z=tuple(z[1:]), mask=tuple(mask[1:]), h=tuple(h[1:]), loss=loss,
                 grad_h=tuple(grad_h[1:]), delta=tuple(delta[1:]),
                 grad_W=tuple(grad_W[1:]), grad_b=tuple(grad_b[1:]))
