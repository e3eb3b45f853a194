"""A correct backward pass in the homework's own style: h * w + b, row vectors, a loop down.

Check it with `gradreport check examples/solution.py`.
"""

import torch


def backward(W, b, x, y):
    """dL/dW_k and dL/db_k of L = (y_pred - y)^2 for the ReLU network W, b (no autograd)."""
    n = len(W)
    # Forward: h[0] = x, h[k+1] = relu(h[k] @ W[k] + b[k]); keep every h for the way back.
    h = [x]
    for k in range(n):
        h.append(torch.relu(h[k] @ W[k] + b[k]))
    y_pred = h[n]

    w_grad = [None] * n
    b_grad = [None] * n
    grad_h = 2 * (y_pred - y)              # dL/dy_pred
    for k in range(n - 1, -1, -1):         # from the output layer down
        delta = grad_h.clone()
        delta[h[k + 1] <= 0] = 0           # the ReLU's mask, at the output too
        w_grad[k] = h[k].T @ delta         # dL/dW = h_{k-1}^T delta
        b_grad[k] = delta.sum(dim=0, keepdim=True)   # summed over the batch
        grad_h = delta @ W[k].T            # dL/dh_{k-1} = delta W^T
    return w_grad, b_grad
