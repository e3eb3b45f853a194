"""The student's contract: what their backward(W, b, x, y) gets, and what it may return.

    def backward(W, b, x, y):   # W[k]: (in, out), b[k]: (1, out), k = 0..K; x: (B, d); y: (B, 1)
        return grad_W, grad_b   # lists in the same order and shapes, or one dict {"W1": ...}

An optional third item is a dict of intermediates, "z", "h", "delta", "grad_h", each a list
by layer (index k-1 holds layer k). Tensors, NumPy arrays and nested lists are accepted.
Anything else ends in one sentence naming the entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch

from backprop.errors import UserError
from backprop.problem import Problem, layer_sizes

INTERMEDIATES = ("z", "h", "delta", "grad_h")
_SHAPE_HINT = "W_k is (in, out) and b_k is (1, out)"


class SubmissionError(UserError):
    """A result of the student's function that cannot be compared; one sentence."""


@dataclass(frozen=True)
class Submission:
    """What the student's function returned for one config, checked and made tensors."""

    gradients: dict[str, torch.Tensor]                      # W1, b1, ..., in layer order
    intermediates: dict[str, tuple[torch.Tensor | None, ...]]  # z, h, delta, grad_h by layer


def inputs(problem: Problem) -> tuple[list, list, torch.Tensor, torch.Tensor]:
    """Fresh copies of W, b, x, y for one call: what the student does to them stays theirs."""
    return ([w.clone() for w in problem.weights], [v.clone() for v in problem.biases],
            problem.x.clone(), problem.y.clone())


def normalise(result: object, problem: Problem) -> Submission:
    """Check a result against the contract; raises SubmissionError with one sentence."""
    config = problem.config
    n = config.layers
    if isinstance(result, Mapping):
        grads, extra = result, None
    elif isinstance(result, (tuple, list)) and len(result) in (2, 3):
        if isinstance(result[0], Mapping) and "b1" in result[0] and len(result) == 2:
            grads, extra = result[0], result[1]   # one dict of all of them, intermediates
        else:
            grads = {**_layers("W", result[0], n), **_layers("b", result[1], n)}
            extra = result[2] if len(result) == 3 else None
    elif isinstance(result, (tuple, list)):
        items = "1 item" if len(result) == 1 else f"{len(result)} items"
        raise SubmissionError(f"your backward returned {items}; it must return "
                              "grad_W, grad_b and optionally a dict of intermediates.")
    else:
        raise SubmissionError(f"your backward returned {_kind(result)}; it must return "
                              "grad_W, grad_b (two lists) or a dict {\"W1\": ..., \"b1\": ...}.")
    shapes = [shape for size in layer_sizes(config) for shape in (size, (1, size[1]))]
    gradients = {}
    keyed = dict(zip(((k, kind) for k in range(1, n + 1) for kind in "Wb"), shapes))
    # Every W before any b: in the column convention the first entry named is then a W's.
    for (k, kind), shape in sorted(keyed.items(), key=lambda item: item[0][1] != "W"):
        key = f"{kind}{k}"
        if key not in grads:
            raise SubmissionError(f"your gradients have no {key!r}; they need W1..W{n} and "
                                  f"b1..b{n}, one pair per layer.")
        gradients[key] = _tensor(grads[key], f"dL/d{kind}_{k}", shape, problem.dtype,
                                 param=f"{kind}_{k}")
    ordered = {f"{kind}{k}": gradients[f"{kind}{k}"] for k in range(1, n + 1) for kind in "Wb"}
    return Submission(ordered, _intermediates(extra, problem))


def _layers(kind: str, value: object, n: int) -> dict[str, object]:
    what = f"grad_{kind}"
    if isinstance(value, Mapping):
        return {f"{kind}{k}": value[f"{kind}{k}"] for k in range(1, n + 1)
                if f"{kind}{k}" in value}
    if isinstance(value, (torch.Tensor,)) or not isinstance(value, Sequence) \
            or isinstance(value, str):
        raise SubmissionError(f"your {what} is {_kind(value)}; it must be a list with one "
                              f"gradient per layer ({n} of them).")
    if len(value) != n:
        raise SubmissionError(f"your {what} has {len(value)} entries; the network has {n} "
                              f"layers, so it needs {n} ({what}[0] is dL/d{kind}_1).")
    return {f"{kind}{k}": item for k, item in enumerate(value, start=1)}


def _intermediates(extra: object, problem: Problem) -> dict[str, tuple]:
    if extra is None:
        return {}
    if not isinstance(extra, Mapping):
        raise SubmissionError(f"the third item your backward returned is {_kind(extra)}; it "
                              f"must be a dict of intermediates ({', '.join(INTERMEDIATES)}).")
    unknown = [key for key in extra if key not in INTERMEDIATES]
    if unknown:
        raise SubmissionError(f"your intermediates have an unknown key {str(unknown[0])!r} "
                              f"(known: {', '.join(INTERMEDIATES)}).")
    n, batch = problem.config.layers, problem.config.batch
    widths = [out for _, out in layer_sizes(problem.config)]
    found = {}
    for key, value in extra.items():
        if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != n:
            size = f"{len(value)} entries" if isinstance(value, Sequence) else _kind(value)
            raise SubmissionError(f"your intermediates[{key!r}] is {size}; it must be a list "
                                  f"of {n}, one per layer.")
        found[key] = tuple(
            None if item is None else
            _tensor(item, f"{_symbol(key, k)} (intermediates[{key!r}][{k - 1}])",
                    (batch, widths[k - 1]), problem.dtype)
            for k, item in enumerate(value, start=1))
    return found


def _symbol(key: str, k: int) -> str:
    return {"z": f"z_{k}", "h": f"h_{k}", "delta": f"δ_{k}", "grad_h": f"dL/dh_{k}"}[key]


def _tensor(value: object, what: str, shape: tuple[int, int], dtype: torch.dtype,
            param: str | None = None) -> torch.Tensor:
    """`value` as a tensor of `shape`; SubmissionError names `what` when it cannot be."""
    try:
        if isinstance(value, torch.Tensor):
            tensor = value.detach().cpu()
        elif type(value).__module__ == "numpy" or isinstance(value, (list, tuple)):
            import numpy as np

            array = np.asarray(value)
            if array.dtype.kind not in "biuf":
                raise TypeError
            if array.dtype not in (np.float32, np.float64):
                array = array.astype(np.float64)
            tensor = torch.from_numpy(np.ascontiguousarray(array).copy())
        else:
            raise TypeError
    except (TypeError, ValueError):
        raise SubmissionError(f"your {what} is {_kind(value)}, not a tensor or an array of "
                              "numbers.") from None
    if tensor.is_complex():
        raise SubmissionError(f"your {what} holds complex numbers, not real ones.")
    if tensor.dtype not in (torch.float32, torch.float64):
        tensor = tensor.to(dtype)
    got = tuple(tensor.shape)
    if got == shape:
        return tensor
    if shape[0] == 1 and got == shape[1:]:
        return tensor.reshape(shape)   # b_k as (out,): the same numbers
    if param and got == shape[::-1]:
        raise SubmissionError(
            f"your {what} is {_shape(got)}, the transpose of {param}'s shape {_shape(shape)}: "
            f"that is the column convention (W as (out, in)); here {_SHAPE_HINT}, so return "
            "each gradient in its parameter's shape.")
    raise SubmissionError(f"your {what} is {_shape(got)}; it must be {_shape(shape)}"
                          + (f", the shape of {param}" if param else "") + ".")


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ")"


def _kind(value: object) -> str:
    name = type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return "None" if value is None else f"{article} {name}"
