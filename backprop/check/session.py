"""gradtui --check's run: the student's function in its child, then their steps.

Nothing here imports torch before the child has started: it imports its own meanwhile.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from backprop.check.runner import run_traced
from backprop.check.sweep import plan

if TYPE_CHECKING:
    from backprop.check.contract import Submission
    from backprop.check.loader import Target
    from backprop.check.steps import CheckRun
    from backprop.config import RunConfig


def check_run(target: Target, config: RunConfig, timeout: float,
              stage: Callable[[str], None] = lambda name: None, sweep: bool = True,
              cancelled: Callable[[], bool] = lambda: False,
              steps_first: Callable[[CheckRun], None] | None = None) -> CheckRun:
    """Run the student's function in a child on `config` (and the sweep); their steps.

    `cancelled()` true ends the child and raises runner.Cancelled (see run_traced).
    `steps_first(run)` gets their steps as soon as the first config is done, while the
    sweep runs on: a CheckRun whose `check` is None.
    """
    configs = plan(config, sweep)
    stage(f"running {target.path.name} in a separate process")
    name = target.path.name
    source = Path(target.path).read_text("utf-8", errors="replace")
    early: list[CheckRun] = []

    def first(submission: Submission, lines: dict[str, int]) -> None:
        # torch: the runner imported it in a thread while the child imported its own
        from backprop.check.steps import CheckRun, build_check_steps, first_differing
        from backprop.run import compute_run

        reference = compute_run(config, fd=False)
        steps = build_check_steps(submission, reference.autograd, lines, name, config.batch)
        early.append(CheckRun(config, reference.problem, reference.autograd, steps,
                              first_differing(steps), None, name, source,
                              reference.diagnostics, reference.records))
        if steps_first is not None and len(configs) > 1:
            steps_first(early[0])
        stage(f"the sweep: running {name} on {len(configs) - 1} more configs")

    found, output, printed, _ = run_traced(target, configs, timeout, cancelled=cancelled,
                                           first=first)
    stage("comparing with autograd")
    from backprop.check.core import assemble

    result = assemble(target.spec, configs, found, output, printed)
    return dataclasses.replace(early[0], check=result)
