"""The numbers behind "Notes on the assignment": this run, the homework's own code, and
companion runs of neighbouring configs (the other init; a seed whose output ReLU is off).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from backprop.autograd import reference_pass
from backprop.compare import compare, significant
from backprop.config import RunConfig
from backprop.homework import homework_label, homework_pass
from backprop.problem import Problem, make_problem
from backprop.run import Run
from backprop.trace import Trace
from report.model import Notes

DEAD_SEARCH = 64   # seeds tried when looking for a dead output unit


def companion_configs(config: RunConfig) -> dict[str, RunConfig]:
    """The other runs the notes quote: the other init, and a dead-output seed if any."""
    other = "kaiming" if config.init == "randn" else "randn"
    found = {f"init={other}": dataclasses.replace(config, init=other)}
    seed = dead_seed(config)
    if seed is not None:
        found["dead"] = dataclasses.replace(config, seed=seed)
    return found


@dataclass(frozen=True)
class Companion:
    """A neighbouring config's problem and its gradients by autograd (no other checks)."""

    config: RunConfig
    problem: Problem
    autograd: Trace


def companion_runs(config: RunConfig) -> dict[str, Companion]:
    """The reference pass of every companion config: all the notes quote of them."""
    found = {}
    for name, other in companion_configs(config).items():
        problem = make_problem(other)
        found[name] = Companion(other, problem, reference_pass(problem)[0])
    return found


def dead_seed(config: RunConfig) -> int | None:
    """This config's seed if its output unit is off, else the smallest seed where it is."""
    from backprop.manual import manual_pass

    for seed in (config.seed, *range(DEAD_SEARCH)):
        trace = manual_pass(make_problem(dataclasses.replace(config, seed=seed)))
        if not bool(trace.mask[-1].any()):
            return seed
    return None


def collect_notes(run: Run, companions: dict[str, Companion]) -> Notes:
    """Notes for `run`, quoting `companions` (from companion_runs)."""
    problem, trace = run.problem, run.manual
    y_code = homework_label(problem.x)
    loss_code = (trace.y_pred - y_code).pow(2).sum()
    diff = trace.y_pred - problem.y
    homework = homework_pass(problem)
    reference = run.autograd.gradients()
    against = [compare(name, homework[name], reference[name]) for name in reference]
    agrees = ("differ" if any(a.differ for a in against) else
              "not comparable" if any(a.nonfinite for a in against) else "agree")
    # The label alone: the output mask applied, so a dead output stays all 0 as it should.
    coded = homework_pass(problem, code_label=True, output_mask=True)
    other_name, other = next((k, r) for k, r in companions.items() if k.startswith("init="))
    dead = companions.get("dead")
    dead_max = _max_abs(dead.autograd.gradients()) if dead else 0.0
    this_max, other_max = _max_abs(reference), _max_abs(other.autograd.gradients())
    dead_homework = _max_abs(homework_pass(dead.problem)) if dead else 0.0
    zs = trace.z
    return Notes(
        y=significant(float(problem.y[0, 0])),
        y_code=significant(float(y_code)),
        loss_code=significant(float(loss_code)),
        loss_half=significant(float(diff.pow(2).sum() / 2)),
        grad_half=significant(float(diff[0, 0])),
        exact_zeros=sum(int((z == 0).sum()) for z in zs),
        pre_activations=sum(z.numel() for z in zs),
        homework_agrees=agrees,
        homework_label_max=_size(_max_abs(coded)),
        dead_seed=dead.config.seed if dead else None,
        dead_z_out=significant(float(dead.autograd.z[-1][0, 0])) if dead else "",
        dead_autograd_max=_size(dead_max),
        dead_homework_max=_size(dead_homework),
        other_init=other_name.removeprefix("init="),
        other_max=_size(other_max),
        this_max=_size(this_max),
        other_max_value=other_max,
        this_max_value=this_max,
        params=sum(p.numel() for p in (*problem.weights, *problem.biases)),
    )


def _max_abs(gradients: dict) -> float:
    """The largest |entry| of all the gradients; inf when any entry is inf or nan."""
    if not all(bool(g.isfinite().all()) for g in gradients.values()):
        return math.inf
    return max(float(g.double().abs().max()) for g in gradients.values())


def _size(value: float) -> str:
    """A largest |gradient| for the prose: 5 significant digits, or what it is instead."""
    if value == 0:
        return "0"
    return significant(value) if math.isfinite(value) else "inf or nan"
