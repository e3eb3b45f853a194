"""A correct pass returning its intermediates; the tests write copies with WRONG_AT set."""

import torch

WRONG_AT = None   # a layer k (1-based) whose ReLU mask is dropped, in a copy of this file


def backward(W, b, x, y):
    n = len(W)
    z, h = [], [x]
    for k in range(n):
        z.append(h[-1] @ W[k] + b[k])
        h.append(torch.relu(z[-1]))
    grad_h, delta = [None] * n, [None] * n
    grad_W, grad_b = [None] * n, [None] * n
    grad_h[n - 1] = 2 * (h[n] - y)
    for k in range(n - 1, -1, -1):
        mask = z[k] > 0
        if k + 1 == WRONG_AT:
            mask = torch.ones_like(mask)
        delta[k] = torch.where(mask, grad_h[k], 0.0)
        grad_W[k] = h[k].T @ delta[k]
        grad_b[k] = delta[k].sum(dim=0, keepdim=True)
        if k > 0:
            grad_h[k - 1] = delta[k] @ W[k].T
    return grad_W, grad_b, {"z": z, "h": h[1:], "delta": delta, "grad_h": grad_h}
