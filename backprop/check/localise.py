"""The default run compared layer by layer from the output down, and where it first differs."""

from __future__ import annotations

import torch

from backprop.check.agree import Judged, judge
from backprop.check.contract import Submission
from backprop.check.equations import formula
from backprop.trace import Trace

_FORWARD = (("z", "z_{k}"), ("h", "h_{k}"))
_BACKWARD = (("grad_h", "dL/dh_{k}"), ("delta", "δ_{k}"))


def compare_layers(mine: Submission, autograd: Trace) -> tuple[Judged, ...]:
    """Every tensor the student returned against autograd's, output layer first.

    Per layer: dL/dh_k and δ_k when given, then dL/dW_k, dL/db_k; the forward
    intermediates z_k, h_k follow, from layer 1 up.
    """
    n = len(autograd.z)
    rows: list[Judged] = []
    for k in range(n, 0, -1):
        for key, symbol in _BACKWARD:
            rows += _given(mine, autograd, key, symbol, k)
        rows.append(judge(f"dL/dW_{k}", "grad_W", k, mine.gradients[f"W{k}"],
                          autograd.grad_W[k - 1]))
        rows.append(judge(f"dL/db_{k}", "grad_b", k, mine.gradients[f"b{k}"],
                          autograd.grad_b[k - 1]))
    for k in range(1, n + 1):
        for key, symbol in _FORWARD:
            rows += _given(mine, autograd, key, symbol, k)
    return tuple(rows)


def _given(mine: Submission, autograd: Trace, key: str, symbol: str, k: int) -> list[Judged]:
    values = mine.intermediates.get(key)
    if values is None or values[k - 1] is None:
        return []
    theirs: torch.Tensor = getattr(autograd, key)[k - 1]
    return [judge(symbol.format(k=k), key, k, values[k - 1], theirs)]


def first_divergence(rows: tuple[Judged, ...], n: int, batch: int) -> str | None:
    """One sentence: what agrees above the first differing layer, and what that localises."""
    forward = [r for r in rows if r.kind in ("z", "h") and not r.agree]
    backward = [r for r in rows if r.kind not in ("z", "h")]
    wrong = next((r for r in backward if not r.agree), None)
    if wrong is None and not forward:
        return None
    if forward:   # a wrong forward pass spoils everything after it: name where it starts
        first = min(forward, key=lambda r: (r.layer, r.kind != "z"))
        eq = "eq-layer" if first.kind == "z" else "eq-relu"
        return (f"your forward pass differs first at {first.name}: the error is in "
                f"{formula(eq, first.layer, n)}, and everything after it inherits it.")
    k = wrong.layer
    here = {r.kind: r for r in backward if r.layer == k}
    if k == n:
        lead = f"{wrong.name} differs already at the output layer: the error is in "
    else:
        lead = f"{_agreeing_above(k, n)}; {wrong.name} is the first that differs: the error is in "
    if wrong.kind == "grad_h":   # at the output layer, dL/dh_n is dL/dy_pred
        return lead + formula("eq-grad-out" if k == n else "eq-grad-h", k, n) + "."
    if wrong.kind == "delta":
        if k == n:
            return lead + formula("eq-delta-out", k, n) + "."
        if "grad_h" in here:   # dL/dh_k agreed, so what is left is the mask
            return lead + "the mask in " + formula("eq-delta", k, n) + "."
        return lead + formula("eq-delta-down", k, n) + "."
    w_bad, b_bad = not here["grad_W"].agree, not here["grad_b"].agree
    if not w_bad:
        return lead + formula("eq-grad-b", k, n) + "."
    if "delta" in here:   # given, and it agreed: only what is made from δ_k is left
        also = f" and in {formula('eq-grad-b', k, n)}" if b_bad else ""
        return lead + formula("eq-grad-W", k, n) + also + "."
    if batch == 1 and not b_bad:   # then dL/db_k is δ_k itself, and it agrees
        return lead + formula("eq-grad-W", k, n) + f", since dL/db_{k} = δ_{k} agrees."
    if k == n:
        source = f"{formula('eq-grad-out', k, n)} or in {formula('eq-delta-out', k, n)}"
    else:
        source = formula("eq-delta-down", k, n)
    if b_bad:
        return lead + f"{source}, from which both dL/dW_{k} and dL/db_{k} are made."
    return lead + f"{source} or in {formula('eq-grad-W', k, n)}."


def _agreeing_above(k: int, n: int) -> str:
    if k == n - 1:
        return f"W_{n}, b_{n} agree"
    if k == n - 2:
        return f"W_{n}, W_{n - 1} and b_{n}, b_{n - 1} agree"
    return f"W_{n} … W_{k + 1} and b_{n} … b_{k + 1} agree"
