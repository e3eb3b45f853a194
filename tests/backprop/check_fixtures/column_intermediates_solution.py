"""A torch pass in the column convention (W as (out, in), h as columns), with intermediates."""

import torch


def backward(W, b, x, y):
    n = len(W)
    Wc = [w.T.clone() for w in W]       # (out, in), as a textbook writes it
    z, h = [], [x.T.clone()]            # columns: (width, batch)
    for k in range(n):
        z.append(Wc[k] @ h[-1] + b[k].T)
        h.append(torch.relu(z[-1]))
    grad_h, delta = [None] * n, [None] * n
    grad_W, grad_b = [None] * n, [None] * n
    grad_h[n - 1] = 2 * (h[n] - y.T)
    for k in range(n - 1, -1, -1):
        delta[k] = torch.where(z[k] > 0, grad_h[k], 0.0)
        grad_W[k] = delta[k] @ h[k].T
        grad_b[k] = delta[k].sum(dim=1, keepdim=True)
        if k > 0:
            grad_h[k - 1] = Wc[k].T @ delta[k]
    return grad_W, grad_b, {"z": z, "h": h[1:], "delta": delta, "grad_h": grad_h}
