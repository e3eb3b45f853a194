"""gradtui --check's run: the student's function in its child, then their steps.

Nothing here imports torch before the child has started: it imports its own meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from backprop.check.runner import run_traced
from backprop.check.sweep import plan

if TYPE_CHECKING:
    from backprop.check.loader import Target
    from backprop.check.steps import CheckRun
    from backprop.config import RunConfig


def check_run(target: Target, config: RunConfig, timeout: float,
              stage: Callable[[str], None] = lambda name: None, sweep: bool = True,
              cancelled: Callable[[], bool] = lambda: False) -> CheckRun:
    """Run the student's function in a child on `config` (and the sweep); their steps.

    `cancelled()` true ends the child and raises runner.Cancelled (see run_traced).
    """
    configs = plan(config, sweep)
    stage(f"running {target.path.name} in a separate process")
    found, output, printed, lines = run_traced(target, configs, timeout,
                                               cancelled=cancelled)
    stage("comparing with autograd")
    # torch: the runner imported it in a thread while the child imported its own
    from backprop.check.core import assemble
    from backprop.check.steps import CheckRun, build_check_steps, first_differing
    from backprop.run import compute_run

    result = assemble(target.spec, configs, found, output, printed)
    reference = compute_run(config, fd=False)
    steps = build_check_steps(found[0], reference.autograd, lines, target.path.name,
                              config.batch)
    source = Path(target.path).read_text("utf-8", errors="replace")
    return CheckRun(config, reference.problem, reference.autograd, steps,
                    first_differing(steps), result, target.path.name, source,
                    reference.diagnostics, reference.records)
