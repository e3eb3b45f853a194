"""The report's equation numbers for the equations a check names (tests hold them to the report).

The report numbers its displayed equations per chapter as its templates meet them; a check
sends the student to the same numbers, so `tests/backprop/test_check_equations.py` reads the
templates and fails when this table drifts from them.
"""

from __future__ import annotations

NUMBERS = {
    "eq-layer": "2.2",
    "eq-relu": "2.3",
    "eq-loss": "2.6",
    "eq-delta": "5.1",
    "eq-grad-out": "5.2",
    "eq-mask": "5.3",
    "eq-delta-out": "5.4",
    "eq-grad-W": "5.6",
    "eq-grad-b": "5.7",
    "eq-grad-h": "5.9",
    "eq-delta-down": "5.10",
}


def h_name(k: int) -> str:
    """h_k in the report's notation, with h_0 written x."""
    return "x" if k == 0 else f"h_{k}"


def formula(ident: str, k: int, n: int) -> str:
    """The equation `ident` written out for layer k of n, with its number: '... (eq. 5.6)'."""
    text = {
        "eq-layer": f"z_{k} = {h_name(k - 1)} W_{k} + b_{k}",
        "eq-relu": f"h_{k} = relu(z_{k})",
        "eq-delta": f"δ_{k} = dL/dh_{k} ⊙ m_{k}",
        "eq-grad-out": "dL/dy_pred = 2 (y_pred − y)",
        "eq-delta-out": f"δ_{n} = dL/dy_pred ⊙ m_{n}",
        "eq-grad-W": f"dL/dW_{k} = {h_name(k - 1)}ᵀ δ_{k}",
        "eq-grad-b": f"dL/db_{k} = Σ δ_{k}",
        "eq-grad-h": f"dL/dh_{k} = δ_{k + 1} W_{k + 1}ᵀ",
        "eq-delta-down": f"δ_{k} = (δ_{k + 1} W_{k + 1}ᵀ) ⊙ m_{k}",
    }[ident]
    return f"{text} (eq. {NUMBERS[ident]})"
