"""A correct pass written in the column convention: it returns dL/dW_k as (out, in)."""

import torch


def backward(W, b, x, y):
    Wc = [w.T for w in W]              # (out, in), as a textbook writes it
    h = [x.T]                           # columns
    for Wk, bk in zip(Wc, b):
        h.append(torch.relu(Wk @ h[-1] + bk.T))
    grad = 2 * (h[-1] - y.T)
    grad_W, grad_b = [None] * len(W), [None] * len(W)
    for k in reversed(range(len(W))):
        delta = torch.where(h[k + 1] > 0, grad, 0.0)
        grad_W[k] = delta @ h[k].T      # (out, in)
        grad_b[k] = delta.sum(dim=1, keepdim=True)
        grad = Wc[k].T @ delta
    return grad_W, grad_b
