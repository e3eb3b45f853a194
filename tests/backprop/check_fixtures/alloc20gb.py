import torch


def backward(W, b, x, y):
    big = torch.ones(5 * 1024**3)   # 20 GiB of float32
    return big, big
