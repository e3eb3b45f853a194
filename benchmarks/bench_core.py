"""Hand-written forward+backward against autograd's, and both against plain torch.mm.

Goals (issue 2): the hand-written pass is no slower than autograd at any size
(ratio <= 1.0) and reaches >= 80% of the mm throughput at the largest size.
"""

from __future__ import annotations

import time

import torch

from backprop.autograd import reference_pass
from backprop.config import RunConfig
from backprop.manual import manual_pass
from backprop.problem import make_problem
from benchmarks.timing import median_seconds, repeats_for

SIZES = [(10, 10, 1), (10, 256, 64), (10, 1024, 256)]


def lean_autograd(problem):
    """Autograd as a training loop uses it: no retained grads or graph."""
    params = [(W.clone().requires_grad_(), b.clone().requires_grad_())
              for W, b in zip(problem.weights, problem.biases)]
    h = problem.x
    for W, b in params:
        h = torch.relu(h @ W + b)
    (h - problem.y).pow(2).sum().backward()
    return [p.grad for pair in params for p in pair]


def mm_only(problem):
    """Just the matrix products of one forward and backward pass, on the same shapes."""
    h = problem.x
    hs = [h]
    for W in problem.weights:
        h = h @ W
        hs.append(h)
    g = torch.ones_like(h)
    for k in range(len(problem.weights), 0, -1):
        hs[k - 1].T @ g
        if k > 1:
            g = g @ problem.weights[k - 1].T


def bool_kernels(trace):
    """The ReLU-mask work only the hand-written pass does: `z > 0` and torch.where."""
    for z, g in zip(trace.z, trace.grad_h):
        torch.where(z > 0, g, 0.0)


def flops(config: RunConfig) -> float:
    """Multiply-adds x 2 of the forward (1 mm/layer) and backward (2 mm/layer but layer 1)."""
    sizes = [(config.d, config.d)] * config.K + [(config.d, 1)]
    per_layer = [2.0 * config.batch * i * o for i, o in sizes]
    return 3 * sum(per_layer) - per_layer[0]


def main() -> None:
    """Print one line per size."""
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'K':>3} {'d':>5} {'batch':>5} | {'hand-written':>12} {'autograd':>10} {'ratio':>6} "
          f"| {'lean autograd':>13} {'ratio':>6} | {'GFLOP/s':>8} {'mm GFLOP/s':>10} {'of mm':>6}")
    notes, verdicts = [], []
    for K, d, batch in SIZES:
        config = RunConfig(K=K, d=d, batch=batch)
        problem = make_problem(config)
        start = time.perf_counter()
        manual_pass(problem)
        n = repeats_for(time.perf_counter() - start)
        t_manual = median_seconds(lambda p=problem: manual_pass(p), n)
        t_auto = median_seconds(lambda p=problem: reference_pass(p), n)
        t_lean = median_seconds(lambda p=problem: lean_autograd(p), n)
        t_mm = median_seconds(lambda p=problem: mm_only(p), n)
        trace = manual_pass(problem)
        t_bool = median_seconds(lambda t=trace: bool_kernels(t), n)
        work = flops(config)
        print(f"{K:>3} {d:>5} {batch:>5} | {t_manual * 1e3:>9.3f} ms {t_auto * 1e3:>7.3f} ms "
              f"{t_manual / t_auto:>6.2f} | {t_lean * 1e3:>10.3f} ms {t_manual / t_lean:>6.2f} "
              f"| {work / t_manual / 1e9:>8.2f} {work / t_mm / 1e9:>10.2f} "
              f"{t_mm / t_manual:>6.0%}")
        ok = t_manual <= t_auto
        verdicts.append(f"{K:>3} {d:>5} {batch:>5} | no slower than autograd: "
                        f"{'ok' if ok else 'MISSED'} ({t_manual / t_auto:.2f})")
        if (K, d, batch) == SIZES[-1]:
            share = t_mm / t_manual
            verdicts.append(f"{K:>3} {d:>5} {batch:>5} | >= 80% of the mm throughput: "
                            f"{'ok' if share >= 0.8 else 'MISSED'} ({share:.0%})")
        notes.append(f"{K:>3} {d:>5} {batch:>5} | mask (z > 0) and torch.where: "
                     f"{t_bool * 1e3:.3f} ms = {t_bool / t_manual:.0%} of the hand-written pass")
    print("Where the hand-written pass spends time autograd does not (its ReLU backward is one "
          "fused threshold_backward kernel):")
    print("\n".join(notes))
    print("Goals:")
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
