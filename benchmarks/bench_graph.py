"""Time to number, explain and draw the default network's graph, torch already imported.

Goal (issue 3): the records and the SVG in well under 0.2 s.
"""

from __future__ import annotations

from backprop.config import RunConfig
from backprop.graph import graph_of_run
from backprop.run import compute_run
from benchmarks.timing import median_seconds

GOAL = 0.2  # seconds


def main() -> None:
    """Print one line per measurement."""
    run = compute_run(RunConfig())
    graph = graph_of_run(run)
    boxes = sum(node.kind != "saved" for node in graph.nodes)
    records = median_seconds(lambda: graph_of_run(run, render=False), repeat=15)
    drawn = median_seconds(lambda: graph_of_run(run), repeat=9)
    verdict = "ok" if drawn < GOAL else "OVER GOAL"
    print(f"graph: records + DOT, default network ({boxes} boxes, "
          f"{len(graph.nodes) - boxes} saved tensors): {records * 1000:.1f} ms")
    print(f"graph: records + both SVGs by Graphviz dot: {drawn * 1000:.1f} ms "
          f"(goal < {GOAL * 1000:.0f} ms: {verdict})")


if __name__ == "__main__":
    main()
