"""The numbers behind the report's textbook passages, computed once, as plain numbers.

A tiny network worked by hand, the worked example carried one layer further through a
masked unit, the float32 results set beside float64 ones at 5 significant digits, and the
homework notes' two further slips evaluated on this run. torch is imported inside the
functions only: the report's renderer unpickles these classes without importing torch.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

    from backprop.run import Run

TINY_SEEDS = 200     # seeds tried for a tiny network that shows both a unit on and one off
DIGITS = 5
MAX_EXAMPLES = 5     # float64 disagreements listed by value
MAX_UNITS = 10       # units of a layer quoted


@dataclass(frozen=True)
class TinyNetwork:
    """K = 1, d = 2, parameters and x of one decimal: every number of both passes.

    Matrices are tuples of rows; W1 is (in, out) = 2 x 2, W2 is 2 x 1 (given as its column).
    """

    seed: int
    x: tuple[float, float]
    y: float
    W1: tuple[tuple[float, float], tuple[float, float]]
    b1: tuple[float, float]
    W2: tuple[float, float]
    b2: float
    z1: tuple[float, float]
    m1: tuple[bool, bool]
    h1: tuple[float, float]
    z2: float
    y_pred: float
    loss: float
    grad_y_pred: float
    delta2: float
    grad_W2: tuple[float, float]
    grad_b2: float
    grad_h1: tuple[float, float]
    delta1: tuple[float, float]
    grad_W1: tuple[tuple[float, float], tuple[float, float]]
    grad_b1: tuple[float, float]
    autograd_agrees: bool         # torch.autograd gives the same gradients (float64)


@dataclass(frozen=True)
class LayerBelow:
    """The step from the output layer n to layer n - 1, first data point, first units."""

    layer: int                    # n - 1
    grad_h: tuple[float, ...]     # dL/dh_{n-1} = delta_n W_n^T
    mask: tuple[bool, ...]        # m_{n-1}
    delta: tuple[float, ...]      # delta_{n-1} = dL/dh_{n-1} (.) m_{n-1}
    off_unit: int | None          # a unit (1-based) that is off although dL/dh reaches it
    on_unit: int | None           # a unit that is on and passes its gradient
    h_below: tuple[float, ...]    # h_{n-2}, for one entry of dL/dW_{n-1}
    grad_W: tuple[int, int, float] | None   # (i, j, dL/dW_{n-1}[i, j]) with h_{n-2,i} != 0
    grad_b_on: float | None       # dL/db_{n-1} at on_unit (summed over the batch)


@dataclass(frozen=True)
class Float64Check:
    """This float32 run's gradients beside the same network's in float64, at 5 digits."""

    entries: int
    differ: int                   # entries whose 5-digit strings differ
    examples: tuple[tuple[str, int, int, float, float], ...]   # name, i, j, float32, float64
    max_rel_error: float


@dataclass(frozen=True)
class HomeworkSlips:
    """The homework notes' `w10' = grad_w11 * h9.T` and `b10' = w11.T*grad_b11`, on this run.

    Layer k = n - 1 (10 for the default network): what each line gives, beside the truth.
    """

    layer: int
    w_slip_shape: tuple[int, ...] | None   # what `grad_W_n * h_{k-1}^T` gives (None: no broadcast)
    w_true_shape: tuple[int, int]
    w_true_max: float             # max |dL/dW_k|, which the slip does not give
    b_wrong: int                  # entries of `W_n^T grad_b_n` that are not dL/db_k
    b_entries: int
    b_example: tuple[int, float, float] | None   # unit, what the slip gives, the truth (0)


@dataclass(frozen=True)
class Textbook:
    """Every number of the textbook passages."""

    tiny: TinyNetwork
    below: LayerBelow | None      # None for a network of one layer
    float64: Float64Check | None  # None for a float64 run
    slips: HomeworkSlips | None   # None for a network of one layer


def textbook(run: Run) -> Textbook:
    """The textbook numbers for `run` (and for the tiny network, the same for every run)."""
    n = run.config.layers
    return Textbook(tiny_network(), layer_below(run) if n > 1 else None,
                    float64_check(run) if run.config.dtype == "float32" else None,
                    homework_slips(run) if n > 1 else None)


def _tiny_problem(seed: int):
    import torch

    from backprop.config import RunConfig
    from backprop.problem import Problem

    draw = torch.Generator().manual_seed(seed)

    def tenths(*shape: int, uniform: bool = False) -> torch.Tensor:
        values = torch.rand(*shape, generator=draw) if uniform else torch.randn(
            *shape, generator=draw)
        return (values.double() * 10).round() / 10

    W1, b1, W2, b2 = tenths(2, 2), tenths(1, 2), tenths(2, 1), tenths(1, 1)
    x = tenths(1, 2, uniform=True)
    config = RunConfig(K=1, d=2, seed=seed, dtype="float64")
    return Problem(config, (W1, W2), (b1, b2), x, x.pow(2).sum(dim=1, keepdim=True) / config.d)


def tiny_network() -> TinyNetwork:
    """The smallest seed whose tiny network has one hidden unit on, one off, the output on."""
    import torch

    from backprop.autograd import reference_pass
    from backprop.manual import manual_pass

    for seed in range(TINY_SEEDS):
        problem = _tiny_problem(seed)
        if bool((problem.x == 0).any()):
            continue
        t = manual_pass(problem)
        if int(t.mask[0].sum()) == 1 and bool(t.mask[1].all()) and float(t.z[1]) > 0.05:
            break
    else:  # pragma: no cover - the draw is fixed; this is a guard against changing it
        raise RuntimeError("no tiny network with one unit on and one off")
    reference, _ = reference_pass(problem)
    agrees = all(torch.allclose(a, b, rtol=1e-12, atol=0) for a, b in
                 zip(reference.grad_W + reference.grad_b, t.grad_W + t.grad_b, strict=True))

    def row(v: torch.Tensor) -> tuple[float, ...]:
        return tuple(float(e) for e in v.reshape(-1))

    W1, W2 = problem.weights
    b1, b2 = problem.biases
    return TinyNetwork(
        seed=seed, x=row(problem.x), y=float(problem.y), W1=(row(W1[0]), row(W1[1])),
        b1=row(b1), W2=row(W2), b2=float(b2), z1=row(t.z[0]),
        m1=tuple(bool(m) for m in t.mask[0].reshape(-1)), h1=row(t.h[0]), z2=float(t.z[1]),
        y_pred=float(t.h[1]), loss=float(t.loss), grad_y_pred=float(t.grad_h[1]),
        delta2=float(t.delta[1]), grad_W2=row(t.grad_W[1]), grad_b2=float(t.grad_b[1]),
        grad_h1=row(t.grad_h[0]), delta1=row(t.delta[0]),
        grad_W1=(row(t.grad_W[0][0]), row(t.grad_W[0][1])), grad_b1=row(t.grad_b[0]),
        autograd_agrees=agrees)


def layer_below(run: Run) -> LayerBelow:
    """The worked example one layer further: dL/dh_{n-1}, its mask, delta_{n-1}."""
    t, n = run.manual, run.config.layers
    k = n - 1                                    # 1-based layer; index k - 1 in the trace
    grad_h = t.grad_h[k - 1][0, :MAX_UNITS].tolist()
    mask = [bool(m) for m in t.mask[k - 1][0, :MAX_UNITS].tolist()]
    delta = t.delta[k - 1][0, :MAX_UNITS].tolist()
    off = next((j for j, (g, m) in enumerate(zip(grad_h, mask, strict=True))
                if not m and g != 0), None)
    on = next((j for j, (g, m) in enumerate(zip(grad_h, mask, strict=True)) if m and g != 0),
              None)
    below = (run.problem.x if k == 1 else t.h[k - 2])[0, :MAX_UNITS].tolist()
    entry = None
    i = next((i for i, v in enumerate(below) if v != 0), None)
    if on is not None and i is not None:
        entry = (i + 1, on + 1, float(t.grad_W[k - 1][i, on]))
    return LayerBelow(
        layer=k, grad_h=tuple(grad_h), mask=tuple(mask), delta=tuple(delta),
        off_unit=None if off is None else off + 1, on_unit=None if on is None else on + 1,
        h_below=tuple(below), grad_W=entry,
        grad_b_on=None if on is None else float(t.grad_b[k - 1][0, on]))


def float64_check(run: Run) -> Float64Check:
    """The same network's hand-written gradients in float64, against this run's at 5 digits."""
    import torch

    from backprop.compare import compare, significant
    from backprop.manual import manual_pass
    from backprop.problem import make_problem, param_names

    wide = manual_pass(make_problem(dataclasses.replace(run.config, dtype="float64")))
    ours = [g for pair in zip(run.manual.grad_W, run.manual.grad_b, strict=True) for g in pair]
    theirs = [g for pair in zip(wide.grad_W, wide.grad_b, strict=True) for g in pair]
    entries = differ = 0
    worst = 0.0
    examples: list[tuple[str, int, int, float, float]] = []
    for name, a, b in zip(param_names(run.config), ours, theirs, strict=True):
        found = compare(name, a, b, DIGITS)
        entries, differ = entries + a.numel(), differ + found.differ
        worst = max(worst, found.max_rel_error)
        if found.differ and len(examples) < MAX_EXAMPLES:
            # the differing entries are among those furthest apart: look at those first
            a64, b64 = a.double().reshape(-1), b.reshape(-1)
            gap = ((a64 - b64).abs() / torch.maximum(a64.abs(), b64.abs()).clamp(min=1e-300))
            for index in torch.argsort(gap.nan_to_num(0.0), descending=True)[:1000].tolist():
                x32, x64 = float(a64[index]), float(b64[index])
                if significant(x32, DIGITS) != significant(x64, DIGITS):
                    i, j = divmod(index, a.shape[1])
                    examples.append((name, i + 1, j + 1, x32, x64))
                    if len(examples) == MAX_EXAMPLES:
                        break
    return Float64Check(entries, differ, tuple(examples), worst)


def homework_slips(run: Run) -> HomeworkSlips:
    """What the notes' two lines for layer n - 1 give on this run, beside the true gradient."""
    import torch

    t, n = run.manual, run.config.layers
    k = n - 1
    grad_W_out, W_out = t.grad_W[n - 1], run.problem.weights[n - 1]
    h_in = run.problem.x if k == 1 else t.h[k - 2]
    try:   # `grad_w11 * h9.T`: an entry-by-entry product, broadcast by torch if it can be
        w_slip: tuple[int, ...] | None = tuple((grad_W_out * h_in.T).shape)
    except RuntimeError:
        w_slip = None
    b_slip = W_out.T * t.grad_b[n - 1]          # `w11.T*grad_b11`: no mask of layer k
    truth = t.grad_b[k - 1]
    if t.grad_b[n - 1].numel() == 1 and run.config.batch == 1:
        wrong = (b_slip != truth).reshape(-1)
    else:
        wrong = torch.zeros(truth.numel(), dtype=torch.bool)
    example = None
    if bool(wrong.any()):
        j = int(wrong.nonzero()[0])
        example = (j + 1, float(b_slip.reshape(-1)[j]), float(truth.reshape(-1)[j]))
    grad_W = t.grad_W[k - 1]
    return HomeworkSlips(
        layer=k, w_slip_shape=w_slip, w_true_shape=tuple(grad_W.shape),
        w_true_max=float(grad_W.abs().max()), b_wrong=int(wrong.sum()),
        b_entries=truth.numel(), b_example=example)
