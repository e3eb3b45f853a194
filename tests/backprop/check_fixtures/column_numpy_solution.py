"""A correct pass in NumPy, in the column convention: W as (out, in), h as column vectors."""

import numpy as np


def backward(W, b, x, y):
    Wc = [np.asarray(w).T for w in W]   # (out, in), as a textbook writes it
    bc = [np.asarray(v).T for v in b]   # (out, 1)
    h = [np.asarray(x).T]               # columns
    for Wk, bk in zip(Wc, bc):
        h.append(np.maximum(Wk @ h[-1] + bk, 0))
    grad = 2 * (h[-1] - np.asarray(y).T)
    grad_W, grad_b = [None] * len(W), [None] * len(W)
    for k in reversed(range(len(W))):
        delta = np.where(h[k + 1] > 0, grad, 0).astype(h[k].dtype)
        grad_W[k] = delta @ h[k].T      # (out, in)
        grad_b[k] = delta.sum(axis=1, keepdims=True)
        grad = Wc[k].T @ delta
    return grad_W, grad_b
