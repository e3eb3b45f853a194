"""One run: the problem, both passes, the checks between them, its steps and its graph."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backprop.autograd import AutogradGraph, reference_pass
from backprop.compare import Agreement, compare
from backprop.config import RunConfig
from backprop.diagnostics import Diagnostic, diagnose
from backprop.fd import FiniteDifferences, finite_differences
from backprop.graph.build import graph_of_run
from backprop.manual import manual_pass
from backprop.problem import Problem, make_problem
from backprop.steps import Step, build_steps
from backprop.trace import Trace

if TYPE_CHECKING:
    from backprop.graph.records import Graph


@dataclass(frozen=True)
class Run:
    """Everything one config gives; the TUI and the report render this, nothing else."""

    config: RunConfig
    problem: Problem
    autograd: Trace
    manual: Trace
    graph: AutogradGraph          # the loss with its autograd graph, for drawing
    fd: FiniteDifferences | None  # float64 hand-written gradients against finite differences
    comparison: tuple[Agreement, ...]   # hand-written vs autograd, per parameter
    diagnostics: tuple[Diagnostic, ...]
    steps: tuple[Step, ...]
    records: Graph | None = None  # the graph's numbered, explained boxes (not yet drawn)

    @property
    def agree(self) -> bool:
        """True when every parameter's gradients agree at the comparison's digits."""
        return all(a.agree for a in self.comparison)

    @property
    def bitwise(self) -> bool:
        """True when every gradient of the two passes is bit-for-bit the same."""
        return all(a.bitwise for a in self.comparison)


def compute_run(config: RunConfig, stage: Callable[[str], None] = lambda name: None,
                fd: bool = True) -> Run:
    """Compute everything for `config`; `stage(name)` is called as each stage begins.

    With `fd=False` the finite differences are left for `with_finite_differences`, so a
    view can show the two passes before the slowest check is done.
    """
    stage("sampling")
    problem = make_problem(config)
    stage("autograd")
    autograd_trace, graph = reference_pass(problem)
    stage("hand-written pass")
    manual_trace = manual_pass(problem)
    mine, theirs = manual_trace.gradients(), autograd_trace.gradients()
    comparison = tuple(compare(name, mine[name], theirs[name]) for name in mine)
    run = Run(config, problem, autograd_trace, manual_trace, graph, None, comparison,
              diagnose(manual_trace), build_steps(manual_trace, autograd_trace, config.batch))
    run = dataclasses.replace(run, records=graph_of_run(run, render=False))
    return with_finite_differences(run, stage) if fd else run


def with_finite_differences(run: Run, stage: Callable[[str], None] = lambda name: None) -> Run:
    """`run` with its finite-difference check (float64, on the same network) filled in."""
    stage("finite differences")
    config = run.config
    problem64 = (run.problem if config.dtype == "float64"
                 else make_problem(dataclasses.replace(config, dtype="float64")))
    fd = finite_differences(problem64, manual_pass(problem64).gradients())
    return dataclasses.replace(run, fd=fd)
