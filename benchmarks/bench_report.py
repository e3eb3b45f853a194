"""`gradreport build --pdf`, default config: where the time goes, and the whole process.

Goal (issue 14): `gradreport build --pdf` in at most 2.0 times the time of
`python -c "import torch, weasyprint"`, as a ratio measured in one run: 5 pairs, each the
build then the imports, back to back, so that both see the same load; the median of the
5 ratios. A ratio holds on a busy machine where seconds do not.

The stage breakdown runs each stage once, one after another, in a fresh interpreter, so
that import costs are real; the CLI overlaps the renderer's imports and equations with
torch's import in a second process, so its wall time is less than the sum. The whole
process is timed as a user runs it. Other work on the machine slows both; the load
average is printed beside the numbers.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 2.0        # build --pdf / import torch, weasyprint: median of PAIRS ratios
PAIRS = 5
RUNS = 5          # plain `gradreport build`, without the PDF, for comparison
ROOT = Path(__file__).resolve().parent.parent

STAGES = r'''
import json, os, sys, time
from pathlib import Path
out = Path(sys.argv[1])
times = {}
def mark(name, start):
    times[name] = (time.perf_counter() - start[0], time.process_time() - start[1])
    return time.perf_counter(), time.process_time()
t = time.perf_counter(), time.process_time()
import torch
from backprop.config import RunConfig
from backprop.run import compute_run
from backprop.record import write_run_files
t = mark("import torch and backprop", t)
import jinja2, pygments, ziamath, weasyprint
t = mark("import renderer (jinja2, pygments, ziamath, weasyprint)", t)
run = compute_run(RunConfig())
write_run_files(run, out)
t = mark("compute: run, finite differences, .dat and run.json", t)
from backprop.graph import draw, write_graph_files
graph = draw(run.records, layers=run.config.layers)
write_graph_files(graph, out)
t = mark("graph: torchviz records, two SVGs by dot, files", t)
from backprop.notes import assignment_notes
from report.collect import collect
from report.output import collector_paused, prepare
report = collect(run, graph, assignment_notes(run), out)
t = mark("report data: companion runs, formatting", t)
prepare(run.config, pdf=True)
t = mark("templates: equations typeset, templates compiled, WeasyPrint warmed", t)
with collector_paused():   # as report.output.write_report renders
    from report.render import render_html
    html = render_html(report)
    t = mark("templates: HTML rendered", t)
    from report.pdfparts import make_pdf
    make_pdf(html)
    t = mark("PDF: its parts laid out, written and joined one after another "
             "(a build lays out the middle part in a second process)", t)
print(json.dumps(times))
'''


def load() -> str:
    """The 1-minute load average: other work on the machine slows every number here."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def stage_breakdown() -> dict[str, list[float]]:
    """[wall, CPU] seconds per stage, one fresh process, stages in sequence."""
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([sys.executable, "-c", STAGES, folder], cwd=ROOT, check=True,
                              capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def whole_process(args: list[str], runs: int) -> list[float]:
    """Wall seconds of `gradreport build ARGS` as a user runs it, `runs` times."""
    gradreport = Path(sys.executable).with_name("gradreport")
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([str(gradreport), "build", *args, "-q", "--out", folder],
                           cwd=ROOT, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return times


def pairs(count: int) -> list[tuple[float, float]]:
    """(build --pdf, import torch and weasyprint) wall seconds, `count` pairs back to back."""
    found = []
    for _ in range(count):
        build = whole_process(["--pdf"], 1)[0]
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch, weasyprint"], cwd=ROOT, check=True)
        found.append((build, time.perf_counter() - start))
    return found


def main() -> None:
    """Print the stage breakdown, then the whole process's median."""
    print(f"load average before: {load()}")
    stages = [stage_breakdown() for _ in range(3)]
    # CPU time is the fairer figure on a shared machine: other work stretches wall time.
    print("stage breakdown, default config, median of 3 fresh processes (sequential), "
          "wall and CPU seconds:")
    for name in stages[0]:
        wall, cpu = (statistics.median(s[name][i] for s in stages) for i in (0, 1))
        print(f"  {wall:6.3f} s  {cpu:6.3f} s CPU  {name}")
    wall, cpu = (statistics.median(sum(v[i] for v in s.values()) for s in stages)
                 for i in (0, 1))
    print(f"  {wall:6.3f} s  {cpu:6.3f} s CPU  sum of the stages")
    measured = pairs(PAIRS)
    ratios = [build / imports for build, imports in measured]
    ratio = statistics.median(ratios)
    print(f"whole process, gradreport build --pdf, default config: median "
          f"{statistics.median(b for b, _ in measured):.2f} s; python -c \"import torch, "
          f"weasyprint\": median {statistics.median(i for _, i in measured):.2f} s")
    print(f"ratio build --pdf / imports, median of {PAIRS} pairs: {ratio:.2f} "
          f"(pairs: {', '.join(f'{r:.2f}' for r in ratios)}; goal <= {GOAL:.1f}: "
          f"{'ok' if ratio <= GOAL else 'OVER GOAL'})")
    times = whole_process([], RUNS)
    print(f"whole process, gradreport build (no PDF), default config: median "
          f"{statistics.median(times):.2f} s of {RUNS}")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
