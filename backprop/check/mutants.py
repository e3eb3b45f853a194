"""Typical mistakes in a hand-written backward pass, each a real wrong pass that runs.

`wrong_pass` is the correct pass of `backprop/manual.py` written in the student's contract
(lists W[0..n-1], b[0..n-1]; layer k of the report is index k-1), where each mistake named
in `mistakes` replaces exactly one line by its wrong version. A diagnosis is a numerical
match with one of these passes, never a guess from the student's source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

import torch


@dataclass(frozen=True)
class Mistake:
    """One typical mistake: what it does, and on which configs it can show."""

    tag: str
    does: str        # completes "your pass behaves like one that ..."
    shows: str | None   # the configs where it can change a result: "the output unit is off"
    hides: str | None   # the others: "the output unit is on"; None: it shows nearly anywhere


MISTAKES = (
    Mistake("no_output_mask", "does not mask the output ReLU",
            "the output unit is off", "the output unit is on"),
    Mistake("no_hidden_masks", "does not mask the hidden layers' ReLUs",
            "the output unit is on and a hidden unit is off",
            "the output unit is off or every hidden unit is on"),
    Mistake("wrong_layer_mask", "masks δ_k with the mask of layer k+1 instead of m_k",
            "the output unit is on", "the output unit is off"),
    Mistake("transposed_dW", "computes dL/dW_k as δ_kᵀ h_{k−1} (the transpose), "
            "reshaped to W_k's shape", "the output unit is on and d > 1",
            "the output unit is off or d = 1"),
    Mistake("h_k_for_h_km1", "uses h_k in place of h_{k−1} in dL/dW_k = h_{k−1}ᵀ δ_k",
            "the output unit is on", "the output unit is off"),
    Mistake("W_not_transposed", "uses W_k in place of W_kᵀ in dL/dh_{k−1} = δ_k W_kᵀ",
            "the output unit is on, K ≥ 2 and d > 1", "the output unit is off, K = 1 or d = 1"),
    Mistake("factor_one", "uses the factor 1 instead of 2 in dL/dy_pred = 2 (y_pred − y) "
            "(the loss ½ (y_pred − y)²)", "the output unit is on", "the output unit is off"),
    Mistake("label_half", "computes the label as the homework code does, x.pow(2).sum()/2, "
            "instead of Σ x_j² / d", "the output unit is on", "the output unit is off"),
    Mistake("bias_mean", "takes dL/db_k as the mean of δ_k over the batch instead of the sum",
            "the output unit is on and batch > 1", "the output unit is off or batch = 1"),
    Mistake("bias_first_row", "takes dL/db_k from the first row of δ_k instead of the sum "
            "over the batch", "the output unit is on and batch > 1",
            "the output unit is off or batch = 1"),
    Mistake("accumulates", "adds each call's gradients to those of earlier calls (the "
            "gradients accumulate across calls)", "an earlier call had the same shapes",
            "no earlier call had the same shapes"),
)
BY_TAG = {m.tag: m for m in MISTAKES}
# Two mistakes that rewrite the same line cannot be made together.
CONFLICTS = ({"no_hidden_masks", "wrong_layer_mask"}, {"bias_mean", "bias_first_row"})

Grads = tuple[list[torch.Tensor], list[torch.Tensor]]


@torch.no_grad()
def wrong_pass(W: Sequence[torch.Tensor], b: Sequence[torch.Tensor], x: torch.Tensor,
               y: torch.Tensor, mistakes: frozenset[str] = frozenset()) -> Grads:
    """grad_W, grad_b of the network with the given mistakes made (none: the right ones)."""
    unknown = mistakes - BY_TAG.keys() - {"accumulates"}
    if unknown:
        raise ValueError(f"unknown mistakes {sorted(unknown)}")
    n = len(W)
    if "label_half" in mistakes:
        y = x.pow(2).sum() / 2  # the homework's code, summed over the whole batch as written
    h, mask = [x], []
    for k in range(n):
        z = h[-1] @ W[k] + b[k]
        mask.append(z > 0)
        h.append(torch.relu(z))
    grad_h = (1 if "factor_one" in mistakes else 2) * (h[n] - y)
    grad_W: list[torch.Tensor] = [torch.empty(0)] * n
    grad_b: list[torch.Tensor] = [torch.empty(0)] * n
    for k in range(n - 1, -1, -1):   # index k is layer k+1 of the report
        output = k == n - 1
        if (output and "no_output_mask" in mistakes) or (
                not output and "no_hidden_masks" in mistakes):
            delta = grad_h
        elif not output and "wrong_layer_mask" in mistakes:
            delta = torch.where(mask[k + 1], grad_h, 0.0)  # below the output it broadcasts
        else:
            delta = torch.where(mask[k], grad_h, 0.0)
        # At the output h_k is y_pred, of the wrong shape: the mistake is in hidden layers.
        h_in = h[k + 1] if "h_k_for_h_km1" in mistakes and not output else h[k]
        grad_W[k] = h_in.T @ delta
        if "transposed_dW" in mistakes:
            grad_W[k] = (delta.T @ h_in).reshape(grad_W[k].shape)
        if "bias_mean" in mistakes:
            grad_b[k] = delta.mean(dim=0, keepdim=True)
        elif "bias_first_row" in mistakes:
            grad_b[k] = delta[:1]
        else:
            grad_b[k] = delta.sum(dim=0, keepdim=True)
        if k > 0:
            square = W[k].shape[0] == W[k].shape[1]  # W_k for W_kᵀ only runs where it fits
            grad_h = delta @ W[k] if "W_not_transposed" in mistakes and square \
                else delta @ W[k].T
    return grad_W, grad_b


def mutant(mistakes: frozenset[str] | set[str] | str) -> Callable[..., Grads]:
    """A fresh backward(W, b, x, y) in the student's contract that makes these mistakes."""
    made = frozenset([mistakes] if isinstance(mistakes, str) else mistakes)
    sums: dict[tuple, Grads] = {}

    def backward(W, b, x, y) -> Grads:
        grad_W, grad_b = wrong_pass(W, b, x, y, made - {"accumulates"})
        if "accumulates" not in made:
            return grad_W, grad_b
        shapes = tuple(tuple(g.shape) for g in grad_W)   # like `grad += ...` on kept buffers
        if shapes in sums:
            before_W, before_b = sums[shapes]
            grad_W = [a + g for a, g in zip(before_W, grad_W)]
            grad_b = [a + g for a, g in zip(before_b, grad_b)]
        sums[shapes] = (grad_W, grad_b)
        return [g.clone() for g in grad_W], [g.clone() for g in grad_b]

    backward.__name__ = "backward_" + "_".join(sorted(made))
    return backward


def candidates() -> list[frozenset[str]]:
    """Every single mistake, then every pair that can be made together, in a fixed order."""
    singles = [frozenset([m.tag]) for m in MISTAKES]
    pairs = [frozenset(p) for p in combinations([m.tag for m in MISTAKES], 2)
             if not any(set(p) <= c for c in CONFLICTS)]
    return singles + pairs
