def backward(W, b, x, y):
    while True:
        pass
