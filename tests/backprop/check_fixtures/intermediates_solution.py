"""A pass that returns its intermediates too; `wrong_mask_at` plants a mistake at one layer."""

import torch

WRONG_MASK_AT = None   # a test sets this to a layer k (1-based) to plant a mistake there


def backward(W, b, x, y):
    n = len(W)
    z, h = [], [x]
    for k in range(n):
        z.append(h[-1] @ W[k] + b[k])
        h.append(torch.relu(z[-1]))
    grad_h = [None] * n
    delta = [None] * n
    grad_W, grad_b = [None] * n, [None] * n
    grad_h[n - 1] = 2 * (h[n] - y)
    for k in range(n - 1, -1, -1):
        mask = z[k] > 0
        if k + 1 == WRONG_MASK_AT:
            mask = torch.ones_like(mask)
        delta[k] = torch.where(mask, grad_h[k], 0.0)
        grad_W[k] = h[k].T @ delta[k]
        grad_b[k] = delta[k].sum(dim=0, keepdim=True)
        if k > 0:
            grad_h[k - 1] = delta[k] @ W[k].T
    return grad_W, grad_b, {"z": z, "h": h[1:], "delta": delta, "grad_h": grad_h}
