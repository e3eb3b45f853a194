"""Time to number, explain, verify and draw graphs: the default network, and the two
example models against TorchLens logging the same forward and backward.

Goals: the default network's records and SVGs in well under 0.2 s (issue 3); each example's
graph (records, checks, values, sources, DOT) in at most TorchLens's time (issue 12).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import torch

from backprop.config import RunConfig
from backprop.graph import graph_of_run, graph_of_script
from backprop.graph.script import run_script
from backprop.run import compute_run
from benchmarks.timing import median_seconds

GOAL = 0.2  # seconds
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "models"


def best_of(fn: Callable[[], object], repeat: int = 2) -> float:
    """The shortest wall time of `repeat` calls: the machine's noise only adds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


class _WithLoss(torch.nn.Module):
    """The example's model and its loss as one module, so TorchLens logs both."""

    def __init__(self, model: torch.nn.Module, loss: Callable) -> None:
        super().__init__()
        self.model, self.loss = model, loss

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.loss(self.model, *inputs)


def torchlens_call(path: Path) -> Callable[[], None] | None:
    """TorchLens tracing the example's forward (every activation) and its backward (grads)."""
    try:
        import torchlens
        from torchlens.options import CaptureOptions
    except ImportError:
        return None
    space = run_script(path)
    whole = _WithLoss(space["model"], space["compute_loss"])

    def traced() -> None:
        log = torchlens.trace(whole, list(space["inputs"]),
                              capture=CaptureOptions(save_grads=True))
        log.log_backward(log[-1].out)

    return traced


def interleaved(ours: Callable[[], object], theirs: Callable[[], object],
                rounds: int = 3) -> tuple[float, float]:
    """The best time of each, run in turn, so a burst of load on this shared machine
    falls on both rather than on one."""
    mine, other = [], []
    for _ in range(rounds):
        mine.append(best_of(ours, 1))
        other.append(best_of(theirs, 1))
    return min(mine), min(other)


def main() -> None:
    """Print one line per measurement."""
    run = compute_run(RunConfig())
    graph = graph_of_run(run)
    boxes = sum(node.kind != "saved" for node in graph.nodes)
    records = median_seconds(lambda: graph_of_run(run, render=False), repeat=15)
    drawn = median_seconds(lambda: graph_of_run(run), repeat=9)
    verdict = "ok" if drawn < GOAL else "OVER GOAL"
    print(f"graph: records + checks + DOT, default network ({boxes} boxes, "
          f"{len(graph.nodes) - boxes} saved tensors): {records * 1000:.1f} ms")
    print(f"graph: records + both SVGs by Graphviz dot: {drawn * 1000:.1f} ms "
          f"(goal < {GOAL * 1000:.0f} ms: {verdict})")
    for name in ("resnet18", "gpt"):
        path = EXAMPLES / f"{name}.py"
        nodes = len(graph_of_script(path, render=False).nodes)
        lens_call = torchlens_call(path)
        if lens_call is None:
            ours = best_of(lambda path=path: graph_of_script(path, render=False))
            print(f"graph: {name}.py ({nodes} boxes): {ours:.2f} s (TorchLens not installed)")
            continue
        ours, lens = interleaved(lambda path=path: graph_of_script(path, render=False),
                                 lens_call)
        verdict = "ok" if ours <= lens else "OVER GOAL"
        print(f"graph: {name}.py ({nodes} boxes) run, numbered, explained, checked, with "
              f"values: {ours:.2f} s; TorchLens trace + backward: {lens:.2f} s "
              f"(goal <= TorchLens: {verdict})")


if __name__ == "__main__":
    main()
