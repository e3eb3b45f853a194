def backward(W, b, x, y):
    return W, b, x, y
