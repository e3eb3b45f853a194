"""make bench: run every benchmarks/bench_*.py in turn; each prints its own lines."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def main() -> int:
    """Run the benchmark scripts, or the ones named on the command line."""
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent))
    names = sys.argv[1:] or sorted(p.stem for p in here.glob("bench_*.py"))
    for name in names:
        print(f"== {name}", flush=True)
        runpy.run_path(str(here / f"{name}.py"), run_name="__main__")
        print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
