"""The third witness: central finite differences of the loss, in float64.

Away from a ReLU kink the loss is exactly quadratic in any one parameter (every layer is
affine in it and the mask pattern is fixed), so the central difference
(L(p + eps) - L(p - eps)) / 2 eps is exact up to rounding. A parameter whose nudge flips
any ReLU mask, in any layer, for either sign, sits on a kink: there the estimate is
flagged, not counted as a failure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from backprop.problem import Problem

MAX_CHECKED = 20_000       # parameters checked at most; a larger network is sampled
FLOP_BUDGET = 4e9          # and fewer still when checking 20,000 would cost more than this
RELATIVE_STEP = 1e-4       # eps = 1e-4 * max(1, |p|)
CHUNK_ELEMENTS = 1 << 22   # perturbed activations held at once (32 MiB of float64)
RTOL = 1e-5                # relative error allowed, off a kink ...
NOISE = 8 * 2.0**-53       # ... plus the estimate's own rounding, NOISE * spread / eps: spread is
                           # what rounding can move L+ - L- by, in ulps (_difference); the worst
                           # seen over 315 networks (K 1..60, d 1..24, every init) is 1.5


@dataclass(frozen=True)
class ParamCheck:
    """Finite differences for one parameter tensor, at the entries that were checked."""

    name: str
    total: int                 # entries in the tensor
    index: torch.Tensor        # flat indices checked, ascending (long)
    estimate: torch.Tensor     # (L(p + eps) - L(p - eps)) / 2 eps at those entries
    kink: torch.Tensor         # True where a nudge of +-eps flips a ReLU mask
    gradient: torch.Tensor     # the gradient checked, at those entries
    max_rel_error: float       # over the resolved entries (nan if there are none)
    agree: bool                # no resolved entry disagrees
    unresolved: int = 0        # entries off a kink whose estimate is too noisy to judge

    @property
    def checked(self) -> int:
        """How many entries were checked."""
        return int(self.index.numel())

    @property
    def kinks(self) -> int:
        """How many checked entries sit on a kink."""
        return int(self.kink.sum())

    @property
    def resolved(self) -> int:
        """How many checked entries were judged: off a kink, and not lost in rounding."""
        return self.checked - self.kinks - self.unresolved

    @property
    def status(self) -> str:
        """"differ" if a judged entry disagrees; "agree" only if every entry off a kink
        was judged and agrees; else "unresolved" (some were lost in rounding)."""
        if not self.agree:
            return "differ"
        return "unresolved" if self.unresolved or not self.resolved else "agree"


@dataclass(frozen=True)
class FiniteDifferences:
    """The finite-difference check of every parameter tensor of a run."""

    params: tuple[ParamCheck, ...]
    rtol: float
    sampled: bool              # True when not every entry was checked

    @property
    def agree(self) -> bool:
        """True when no entry that could be judged disagrees."""
        return all(p.agree for p in self.params)

    @property
    def resolved(self) -> int:
        """Entries judged, over all parameters."""
        return sum(p.resolved for p in self.params)

    @property
    def checked(self) -> int:
        """Entries checked, over all parameters."""
        return sum(p.checked for p in self.params)


def finite_differences(problem: Problem, gradients: dict[str, torch.Tensor]) -> FiniteDifferences:
    """Check `gradients` (W1, b1, ...) of a float64 problem against finite differences.

    Both sides are float64, so the check is of the derivation, not of float32 rounding:
    the run compares its float32 gradients with autograd's, and this with the math.
    """
    W = [w.double() for w in problem.weights]
    b = [v.double() for v in problem.biases]
    x, y = problem.x.double(), problem.y.double()
    z, masks, h = [], [], x
    for Wk, bk in zip(W, b):
        z.append(h @ Wk + bk)
        masks.append(z[-1] > 0)
        h = torch.relu(z[-1])
    reach = _rounding_reach(W, b, x, masks)
    chosen = _choose_entries(problem)
    checks = []
    for k in range(len(W)):
        h_in = x if k == 0 else torch.relu(z[k - 1])
        for name, param in ((f"W{k + 1}", W[k]), (f"b{k + 1}", b[k])):
            index = chosen[name]
            flat = param.reshape(-1)
            eps = RELATIVE_STEP * flat[index].abs().clamp(min=1.0)
            if name.startswith("W"):   # W[i, j] += e moves column j of z_k by e * h_{k-1}[:, i]
                rows, cols = index // param.shape[1], index % param.shape[1]
                shift = h_in[:, rows].T                  # (P, batch)
            else:                      # b[j] += e moves column j of z_k by e
                cols = index
                shift = torch.ones(index.numel(), x.shape[0], dtype=torch.float64)
            estimate, kink, noise = _central_differences(
                z[k], cols, shift, eps, W[k + 1:], b[k + 1:], masks[k:], y, reach)
            gradient = gradients[name].double().reshape(-1)[index]
            checks.append(_verdict(name, param.numel(), index, estimate, kink, noise, gradient))
    sampled = any(c.checked < c.total for c in checks)
    return FiniteDifferences(tuple(checks), RTOL, sampled)


def _rounding_reach(W, b, x, masks) -> torch.Tensor:
    """How far rounding moves y_pred, in ulps of the numbers it comes from: (batch, 1).

    z_k = h @ W + b is rounded by about an ulp of the sum of its terms' sizes,
    |h| @ |W| + |b|, which cancellation can make far larger than |z_k|. An earlier layer's
    error reaches z_k through W, and as rounding errors have no common sign they add in
    quadrature (through |W| the bound would grow by ~sqrt(d) a layer, thousands of times
    what is seen). A unit that is off passes none on; a dead output's reach is 0.
    """
    error, h = torch.zeros_like(x), x
    for Wk, bk, mask in zip(W, b, masks):
        fresh = h.abs() @ Wk.abs() + bk.abs()
        error = torch.where(mask, (error.pow(2) @ Wk.pow(2) + fresh.pow(2)).sqrt(), 0.0)
        h = torch.relu(h @ Wk + bk)
    return error


def _difference(plus, minus, y, reach) -> tuple[torch.Tensor, torch.Tensor]:
    """L(p + eps) - L(p - eps) for each nudge, and how far rounding can move it, in ulps.

    Written sum (y+ - y-)(y+ + y- - 2y), the same number as the two losses' difference
    without their cancellation: what is left is y_pred's own rounding (`reach` ulps on
    each side, times |y+ + y- - 2y|) and the product's and sum's. A dead output gives
    y+ = y- = 0 exactly: no noise at all.
    """
    twice_r = plus + minus - 2 * y
    terms = (plus - minus) * twice_r
    batch = plus.shape[1]
    spread = (twice_r.abs() * reach).sum(dim=(1, 2)) + batch * terms.abs().sum(dim=(1, 2)) / 2
    return terms.sum(dim=(1, 2)), spread


def _central_differences(z_k, cols, shift, eps, W_after, b_after, masks, y, reach):
    """Estimates, kink flags and rounding noise for P nudges of layer k, batched."""
    P, batch = shift.shape
    width = max([z_k.shape[1]] + [w.shape[1] for w in W_after])
    chunk = max(1, CHUNK_ELEMENTS // (2 * batch * width))
    estimates, kinks, noises = [], [], []
    for start in range(0, P, chunk):
        sl = slice(start, start + chunk)
        n = shift[sl].shape[0]
        step = torch.cat([eps[sl], -eps[sl]])[:, None] * torch.cat([shift[sl], shift[sl]])
        zz = z_k.expand(2 * n, *z_k.shape).clone()     # (2n, batch, out)
        columns = torch.cat([cols[sl], cols[sl]])
        zz[torch.arange(2 * n), :, columns] += step
        flipped = ((zz > 0) != masks[0]).flatten(1).any(dim=1)
        # A nudge that only moves units that are off (and stay off) leaves h_k, hence L,
        # exactly as it was: its estimate is 0. Computing it would only measure the batched
        # matmul's rounding, which differs with a row's position in the batch (a tail block
        # is summed in another order), and was once taken for a wrong gradient.
        still = ~(masks[0][:, columns].T & (step != 0)).any(dim=1) & ~flipped
        for Wk, bk, mask in zip(W_after, b_after, masks[1:]):
            zz = torch.relu(zz) @ Wk + bk
            flipped |= ((zz > 0) != mask).flatten(1).any(dim=1)
        y_pred = torch.relu(zz)
        difference, spread = _difference(y_pred[:n], y_pred[n:], y, reach)
        unchanged = still[:n] & still[n:]
        estimates.append(torch.where(unchanged, 0.0, difference / (2 * eps[sl])))
        kinks.append(~unchanged & (flipped[:n] | flipped[n:]))
        noises.append(torch.where(unchanged, 0.0, NOISE * spread / eps[sl]))
    return torch.cat(estimates), torch.cat(kinks), torch.cat(noises)


def _verdict(name, total, index, estimate, kink, noise, gradient) -> ParamCheck:
    """Judge each entry off a kink: |g - e| <= RTOL * scale + noise.

    An entry's scale is the larger of |g| and |e|, but at least 1e-3 of the tensor's
    largest gradient, so an entry near zero is judged on the tensor's scale. Where the
    estimate's rounding noise alone exceeds RTOL * scale (a huge loss, a small gradient),
    the entry cannot be judged: it is counted as unresolved, never as agreeing.
    """
    off = ~kink
    g, e = gradient, estimate
    largest = float(g[off].abs().max()) if off.any() else 0.0
    floor = torch.tensor(max(largest * 1e-3, 1e-300), dtype=torch.float64)
    scale = torch.maximum(torch.maximum(g.abs(), e.abs()), floor)
    error = (g - e).abs()
    resolved = off & (noise <= RTOL * scale)
    wrong = resolved & ~(error <= RTOL * scale + noise)    # a nan error is wrong too
    unresolved = int((off & ~resolved).sum())
    rel = (error / scale)[resolved]
    max_rel = float(rel.max()) if rel.numel() else math.nan
    if rel.numel() and not bool(rel.isfinite().all()):
        max_rel = math.inf
    return ParamCheck(name, total, index, estimate, kink, gradient, max_rel,
                      not bool(wrong.any()), unresolved)


def _choose_entries(problem: Problem) -> dict[str, torch.Tensor]:
    """All entries of every parameter, or a documented sample of a large network.

    Above MAX_CHECKED entries, or FLOP_BUDGET of work, each tensor is checked at a share
    of the budget proportional to its size (at least one entry), drawn with a generator
    seeded by the run's seed, so the same config checks the same entries.
    """
    sizes = {}
    for k, (Wk, bk) in enumerate(zip(problem.weights, problem.biases), start=1):
        sizes[f"W{k}"], sizes[f"b{k}"] = Wk.numel(), bk.numel()
    total = sum(sizes.values())
    batch, width = problem.x.shape
    # 2 nudges x (batch x width x width) multiply-adds x 2 flops x layers after, on average
    cost = 4.0 * batch * width * width * (len(problem.weights) + 1) / 2
    budget = min(MAX_CHECKED, max(1, int(FLOP_BUDGET / cost)))
    if total <= budget:
        return {name: torch.arange(n) for name, n in sizes.items()}
    generator = torch.Generator().manual_seed(problem.config.seed)
    chosen = {}
    for name, n in sizes.items():
        quota = min(n, max(1, round(budget * n / total)))
        chosen[name] = torch.randperm(n, generator=generator)[:quota].sort().values
    return chosen
