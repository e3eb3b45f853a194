"""A correct pass with loops over units and rows instead of matrix products (plain floats)."""


def backward(W, b, x, y):
    W = [w.tolist() for w in W]
    b = [v.tolist()[0] for v in b]
    rows = x.tolist()
    labels = [r[0] for r in y.tolist()]
    n = len(W)
    grad_W = [[[0.0] * len(w[0]) for _ in w] for w in W]
    grad_b = [[0.0] * len(v) for v in b]
    for row, label in zip(rows, labels):
        h = [row]
        for k in range(n):
            z = [sum(h[k][i] * W[k][i][j] for i in range(len(h[k]))) + b[k][j]
                 for j in range(len(b[k]))]
            h.append([max(v, 0.0) for v in z])
        grad = [2 * (h[n][0] - label)]
        for k in range(n - 1, -1, -1):
            delta = [g if v > 0 else 0.0 for g, v in zip(grad, h[k + 1])]
            for i in range(len(h[k])):
                for j in range(len(delta)):
                    grad_W[k][i][j] += h[k][i] * delta[j]
            for j in range(len(delta)):
                grad_b[k][j] += delta[j]
            grad = [sum(delta[j] * W[k][i][j] for j in range(len(delta)))
                    for i in range(len(h[k]))]
    return grad_W, [[g] for g in grad_b]
