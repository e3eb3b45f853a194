"""Fused scaled dot-product attention: softmax(q k^T * scale) v in one node."""

from __future__ import annotations

import math

import torch

from backprop.graph.explain.given import Given, Uncheckable
from backprop.graph.explain.registry import Node, template


def _weights(c: Given) -> tuple[torch.Tensor, float]:
    """(P, scale): the attention weights softmax(q k^T * scale, masked), recomputed."""
    q, k = c.query, c.key
    if c.saved.get("dropout_p"):
        raise Uncheckable("attention with dropout: its dropout mask is not saved")
    scale = c.saved.get("scale") or 1 / math.sqrt(q.shape[-1])
    scores = q @ k.mT * scale
    if c.saved.get("is_causal"):
        allowed = torch.ones(scores.shape[-2:], dtype=torch.bool).tril()
        scores = scores.masked_fill(~allowed, float("-inf"))
    mask = c.saved.get("attn_mask")
    if mask is not None:
        scores = (scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool
                  else scores + mask)
    return torch.softmax(scores, -1), scale


def _attention(c: Given, slot: int) -> torch.Tensor:
    p, scale = _weights(c)
    if slot == 2:
        return p.mT @ c.g
    # The softmax's backward: dS = P * (dP - rowsum(dP * P)), and rowsum(dP * P) = rowsum(g * o).
    ds = p * (c.g @ c.value.mT - (c.g * c.output).sum(-1, keepdim=True))
    return ds @ c.key * scale if slot == 0 else ds.mT @ c.query * scale


@template("ScaledDotProductFlashAttentionForCpuBackward0",
          grads=(lambda c: _attention(c, 0), lambda c: _attention(c, 1),
                 lambda c: _attention(c, 2)))
def _attention_text(n: Node) -> tuple[str, str]:
    q, k, v = n.op(0), n.op(1), n.op(2)
    causal = ", causal (each position sees itself and the ones before)" * bool(
        n.values.get("is_causal"))
    return (f"Created by scaled_dot_product_attention{causal}: o = P {v}, with the weights "
            f"P = softmax({q} {k}^T * scale) row by row. This fused node saves q, k, v, o and "
            f"the rows' logsumexp and recomputes P in backward. With g = {n.g_of} and "
            f"dS = P * (g {v}^T - rowsum(g * o)): {n.flow(0, f'dL/d{q} = dS {k} * scale')}; "
            f"{n.flow(1, f'dL/d{k} = dS^T {q} * scale')}; {n.flow(2, f'dL/d{v} = P^T g')}.",
            "grad_q = dS k * scale;  grad_k = dS^T q * scale;  grad_v = P^T g;  "
            "dS = P (g v^T - rowsum(g o))")
