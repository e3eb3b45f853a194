"""Time to number, explain and draw the default network's graph, torch already imported."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from backprop.config import RunConfig
from backprop.graph import graph_of_run
from backprop.run import compute_run

GOAL = 0.2  # seconds: records and SVG, after `import torch`
REPEAT = 7


def median_time(fn: Callable[[], object]) -> float:
    """Median wall time of `fn` over REPEAT calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print one line per measurement."""
    run = compute_run(RunConfig())
    graph = graph_of_run(run)
    boxes = sum(node.kind != "saved" for node in graph.nodes)
    records = median_time(lambda: graph_of_run(run, render=False))
    drawn = median_time(lambda: graph_of_run(run))
    verdict = "ok" if drawn < GOAL else "OVER GOAL"
    print(f"graph: records + DOT, default network ({boxes} boxes, "
          f"{len(graph.nodes) - boxes} saved): {records * 1000:.1f} ms")
    print(f"graph: records + both SVGs (Graphviz dot): {drawn * 1000:.1f} ms "
          f"(goal < {GOAL * 1000:.0f} ms, {verdict})")


if __name__ == "__main__":
    main()
