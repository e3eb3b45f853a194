"""A check put together: the student's results on every config against autograd's."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

import torch

from backprop.autograd import reference_pass
from backprop.check.agree import differ_by_name
from backprop.check.contract import Submission, SubmissionError, inputs, normalise
from backprop.check.diagnosis import Call, diagnose
from backprop.check.localise import compare_layers, first_divergence
from backprop.check.result import Check, SweepRow
from backprop.check.sweep import options, size_key, sweep_configs, where
from backprop.config import RunConfig
from backprop.problem import Problem, make_problem
from backprop.trace import Trace

_SWEEP = frozenset(sweep_configs())


@lru_cache(maxsize=64)
def _sweep_reference(config: RunConfig) -> tuple[Problem, Trace]:
    problem = make_problem(config)
    return problem, reference_pass(problem)[0]


def reference(config: RunConfig) -> tuple[Problem, Trace]:
    """The problem and autograd's trace of `config`; the sweep's are kept (they never change)."""
    if config in _SWEEP:
        return _sweep_reference(config)
    problem = make_problem(config)
    return problem, reference_pass(problem)[0]


@contextmanager
def one_thread() -> Iterator[None]:
    """Torch on one thread: on small tensors on a busy machine, threads only cost time."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def run_in_process(backward: Callable, configs: Sequence[RunConfig]) -> list[Submission]:
    """Call `backward` on every config here, in this process (the notebook's way)."""
    found = []
    for index, config in enumerate(configs):
        problem = make_problem(config)
        try:
            found.append(normalise(backward(*inputs(problem)), problem))
        except SubmissionError as err:
            raise SubmissionError(f"{where(configs, index)}, {err}") from None
    return found


def assemble(source: str, configs: Sequence[RunConfig], found: Sequence[Submission],
             output: str = "", printed: int = 0,
             reproduce: Callable[[RunConfig], str] | None = None) -> Check:
    """Compare every submission with autograd, localise, sweep and diagnose: the Check.

    `reproduce(config)` is the command that checks `config` alone; by default the
    command line's, `gradreport check SOURCE -K 1 -d 1 --seed 3`.
    """
    with one_thread():
        return _assemble(source, configs, found, output, printed,
                         reproduce or (lambda c: f"gradreport check {source} {options(c)}"))


def _assemble(source: str, configs: Sequence[RunConfig], found: Sequence[Submission],
              output: str, printed: int, reproduce: Callable[[RunConfig], str]) -> Check:
    calls, sweep = [], []
    rows = first = None
    notes: list[str] = []
    for index, (config, submission) in enumerate(zip(configs, found, strict=True)):
        problem, trace = reference(config)
        theirs = trace.gradients()
        mine = submission.gradients
        counts = differ_by_name(mine, theirs)
        differ = tuple(name for name in theirs if counts[name]   # inf/nan: no digits to agree
                       or not bool(mine[name].isfinite().all())
                       or not bool(theirs[name].isfinite().all()))
        n = config.layers
        if index == 0:
            rows = compare_layers(submission, trace)
            first = first_divergence(rows, n, config.batch)
            notes = [f"Your {r.name} holds inf or nan in {r.nan_where_numbers} "
                     f"entr{'y' if r.nan_where_numbers == 1 else 'ies'} where autograd has "
                     "numbers." for r in rows if r.nan_where_numbers]
            if submission.transposed:
                notes.insert(0, "Your gradients are in the column convention (dL/dW_k as "
                                "(out, in), dL/db_k as (out, 1)): they are compared turned "
                                "to W_k's (in, out) and b_k's (1, out), entry for entry.")
        else:
            sweep.append(SweepRow(config, not differ, differ))
        agree = not differ and (index > 0 or all(r.agree for r in rows or ()))
        calls.append(Call(problem, mine, theirs, agree,
                          output_off=bool((trace.z[-1] <= 0).any()),
                          live=bool((trace.z[-1] > 0).any()),
                          hidden_off=any(bool((z <= 0).any()) for z in trace.z[:-1])))
    assert rows is not None
    failing = [c.problem.config for c in calls if not c.agree]
    smallest = min(failing, key=size_key) if failing else None
    return Check(source, configs[0], rows, first, tuple(notes), tuple(sweep), smallest,
                 None if smallest is None else reproduce(smallest),
                 diagnose(calls), output, printed, dict(calls[0].mine), dict(calls[0].autograd))

