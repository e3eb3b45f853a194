def helper(W, k):
    return W[k + 100]


def backward(W, b, x, y):
    return helper(W, 0), b
