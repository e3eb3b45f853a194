"""`gradreport check` with its sweep and diagnosis, against checking the default run alone.

Goal (issue 10): the sweep (52 more configs) and the diagnosis (64 mistaken passes) add at
most 1 s for a solution as fast as ours (examples/solution.py, and the homework's loop,
which a mistake matches). Both sides start the same child process and import torch in it,
so the difference is what the sweep and diagnosis cost.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from backprop.check.core import assemble
from backprop.check.loader import parse_target
from backprop.check.runner import run_in_child
from backprop.check.sweep import plan
from backprop.config import RunConfig

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GOAL = 1.0   # seconds the sweep and diagnosis may add
REPEAT = 3


def one_check(path: Path, sweep: bool) -> float:
    """Seconds for one check of `path`: the child's run, then the comparison."""
    target = parse_target(str(path))
    configs = plan(RunConfig(), sweep)
    start = time.perf_counter()
    found, output, printed = run_in_child(target, configs, timeout=60)
    assemble(target.spec, configs, found, output, printed)
    return time.perf_counter() - start


def main() -> None:
    """Print, per example, the default run alone, with the sweep, the difference, the ratio."""
    one_check(EXAMPLES / "solution.py", sweep=False)   # warm the file cache
    for name in ("solution.py", "homework_loop.py"):
        alone = statistics.median(one_check(EXAMPLES / name, False) for _ in range(REPEAT))
        full = statistics.median(one_check(EXAMPLES / name, True) for _ in range(REPEAT))
        added = full - alone
        verdict = "meets" if added <= GOAL else "MISSES"
        print(f"check {name:17} default run alone {alone:5.2f} s, with sweep and diagnosis "
              f"{full:5.2f} s: adds {added:4.2f} s, ratio {full / alone:4.2f} "
              f"({verdict} the goal of adding <= {GOAL:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
