from backprop.check.mutants import mutant

right = mutant(frozenset())
calls = 0


def backward(W, b, x, y):
    global calls
    calls += 1
    if calls == 1:
        chunk = "x" * 1_000_000
        for _ in range(100):
            print(chunk)
    return right(W, b, x, y)
