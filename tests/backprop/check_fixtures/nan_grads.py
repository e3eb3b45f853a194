from backprop.check.mutants import mutant

right = mutant(frozenset())


def backward(W, b, x, y):
    grad_W, grad_b = right(W, b, x, y)
    grad_W[0] = grad_W[0] * float("nan")
    return grad_W, grad_b
