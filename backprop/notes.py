"""The numbers behind "Notes on the assignment": this run, the homework's own code, and
companion runs of neighbouring configs (the other init; a seed whose output ReLU is off).

Computed here once, as plain numbers; the report only formats them.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from itertools import pairwise

import torch

from backprop.autograd import reference_pass
from backprop.compare import compare
from backprop.config import RunConfig
from backprop.homework import homework_label, homework_pass
from backprop.manual import manual_pass
from backprop.problem import make_problem
from backprop.run import Run
from backprop.trace import Trace
from backprop.verdict import State, state_of

DEAD_SEARCH = 64   # seeds tried when looking for a dead output unit


@dataclass(frozen=True)
class LayerScale:
    """One run's sizes per layer: max |dL/dW_k| (0.0 where all 0, inf where inf or nan),
    and the growth of max |z_k| per hidden layer (None when it cannot be measured)."""

    label: str
    values: tuple[float, ...]
    growth: float | None


@dataclass(frozen=True)
class AssignmentNotes:
    """Every number the notes quote, unformatted."""

    y: float                      # the label as defined, y = sum x^2 / d
    y_code: float                 # the homework code's x.pow(2).sum()/2
    loss_code: float              # the loss with that label
    loss_half: float              # (y_pred - y)^2 / 2
    grad_half: float              # its gradient, y_pred - y
    exact_zeros: int              # pre-activations exactly 0 in this run
    pre_activations: int
    homework_agrees: State        # the homework's own loop against autograd
    homework_label_max: float     # max |gradient| with the code's label (output mask applied)
    dead_seed: int | None         # a seed whose output ReLU is off, for this K, d, init
    dead_z_out: float | None
    dead_autograd_max: float      # max |gradient| autograd gives there (0)
    dead_homework_max: float      # ... and what the homework's code gives
    other_init: str               # the companion run's init
    other_max: float              # its max |gradient| (inf if it overflowed)
    this_max: float
    params: int
    scales: tuple[LayerScale, ...]   # this run first, then the other init


def companion_configs(config: RunConfig) -> dict[str, RunConfig]:
    """The other runs the notes quote: the other init, and a dead-output seed if any."""
    found = {"other init": with_other_init(config)}
    seed = dead_seed(config)
    if seed is not None:
        found["dead"] = dataclasses.replace(config, seed=seed)
    return found


def dead_seed(config: RunConfig) -> int | None:
    """This config's seed if its output unit is off, else the smallest seed where it is."""
    for seed in (config.seed, *range(DEAD_SEARCH)):
        trace = manual_pass(make_problem(dataclasses.replace(config, seed=seed)))
        if not bool(trace.mask[-1].any()):
            return seed
    return None


def assignment_notes(run: Run) -> AssignmentNotes:
    """The notes' numbers for `run`, with its companion runs computed here."""
    problem, trace = run.problem, run.manual
    companions = {}
    for name, other in companion_configs(run.config).items():
        other_problem = make_problem(other)
        companions[name] = (other_problem, reference_pass(other_problem)[0])
    y_code = homework_label(problem.x)
    diff = trace.y_pred - problem.y
    reference = run.autograd.gradients()
    homework = homework_pass(problem)
    against = [compare(name, homework[name], reference[name]) for name in reference]
    # The label alone: the output mask applied, so a dead output stays all 0 as it should.
    coded = homework_pass(problem, code_label=True, output_mask=True)
    other_config = with_other_init(run.config)
    other_problem, other_trace = companions["other init"]
    dead = companions.get("dead")
    return AssignmentNotes(
        y=float(problem.y[0, 0]),
        y_code=float(y_code),
        loss_code=float((trace.y_pred - y_code).pow(2).sum()),
        loss_half=float(diff.pow(2).sum() / 2),
        grad_half=float(diff[0, 0]),
        exact_zeros=sum(int((z == 0).sum()) for z in trace.z),
        pre_activations=sum(z.numel() for z in trace.z),
        homework_agrees=state_of(sum(a.differ for a in against),
                                 sum(a.nonfinite for a in against)),
        homework_label_max=max_abs(coded),
        dead_seed=dead[0].config.seed if dead else None,
        dead_z_out=float(dead[1].z[-1][0, 0]) if dead else None,
        dead_autograd_max=max_abs(dead[1].gradients()) if dead else 0.0,
        dead_homework_max=max_abs(homework_pass(dead[0])) if dead else 0.0,
        other_init=other_config.init,
        other_max=max_abs(other_trace.gradients()),
        this_max=max_abs(reference),
        params=sum(p.numel() for p in (*problem.weights, *problem.biases)),
        scales=(layer_scale(f"init={run.config.init} (this run)", run.autograd, run.config.K),
                layer_scale(f"init={other_config.init}", other_trace, other_config.K)),
    )


def with_other_init(config: RunConfig) -> RunConfig:
    """`config` with the init the notes set beside it: kaiming for randn, else randn."""
    return dataclasses.replace(config, init="kaiming" if config.init == "randn" else "randn")


def layer_scale(label: str, trace: Trace, hidden: int) -> LayerScale:
    """Sizes per layer of a pass's gradients, and the growth of its pre-activations."""
    values = tuple(float(g.double().abs().max()) if bool(g.isfinite().all()) else math.inf
                   for g in trace.grad_W)
    return LayerScale(label, values, growth(trace.z, hidden))


def growth(z: tuple[torch.Tensor, ...], hidden: int) -> float | None:
    """How much max|z_k| grows per hidden layer: the geometric mean of its ratios.

    Only neighbouring hidden layers whose max|z| are both positive numbers count; the
    output layer is left out, as its one unit is no maximum over d of them.
    """
    sizes = [float(t.double().abs().max()) for t in z[:hidden]]
    logs = [math.log(b / a) for a, b in pairwise(sizes)
            if 0 < a < math.inf and 0 < b < math.inf]
    return math.exp(sum(logs) / len(logs)) if logs else None


def max_abs(gradients: dict[str, torch.Tensor]) -> float:
    """The largest |entry| of all the gradients; inf when any entry is inf or nan."""
    if not all(bool(g.isfinite().all()) for g in gradients.values()):
        return math.inf
    return max(float(g.double().abs().max()) for g in gradients.values())
