import os


def backward(W, b, x, y):
    os._exit(3)
