"""`gradreport build --pdf`, default config: where the time goes, and the whole process.

Goal (issue 4): the whole process in at most 3 s, median, on this 2-core machine.

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

GOAL = 3.0        # seconds, median of the whole process
RUNS = 7
ROOT = Path(__file__).resolve().parent.parent

STAGES = r'''
import json, os, sys, time
from pathlib import Path
out = Path(sys.argv[1])
times = {}
def mark(name, start):
    times[name] = time.perf_counter() - start
    return time.perf_counter()
t = time.perf_counter()
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
from report.output import prepare
report = collect(run, graph, assignment_notes(run), out)
t = mark("report data: companion runs, formatting", t)
prepare(run.config, pdf=True)
t = mark("templates: equations typeset, templates compiled, WeasyPrint warmed", t)
from report.render import render_html
html = render_html(report)
t = mark("templates: HTML rendered", t)
from report.pdf import layout
document = layout(html)
t = mark("PDF: layout (%d pages)" % len(document.pages), t)
document.write_pdf()
t = mark("PDF: write", t)
print(json.dumps(times))
'''


def load() -> str:
    """The 1-minute load average: other work on the machine slows every number here."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def stage_breakdown() -> dict[str, float]:
    """Seconds per stage, one fresh process, stages in sequence."""
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


def main() -> None:
    """Print the stage breakdown, then the whole process's median."""
    print(f"load average before: {load()}")
    stages = [stage_breakdown() for _ in range(3)]
    print("stage breakdown, default config, median of 3 fresh processes (sequential):")
    for name in stages[0]:
        value = statistics.median(s[name] for s in stages)
        print(f"  {value:6.3f} s  {name}")
    total = statistics.median(sum(s.values()) for s in stages)
    print(f"  {total:6.3f} s  sum of the stages")
    for label, args in (("gradreport build --pdf", ["--pdf"]), ("gradreport build", [])):
        times = whole_process(args, RUNS)
        median = statistics.median(times)
        verdict = "" if args != ["--pdf"] else (
            f" (goal <= {GOAL:.1f} s: {'ok' if median <= GOAL else 'OVER GOAL'})")
        print(f"whole process, {label}, default config: median {median:.2f} s of {RUNS} "
              f"(min {min(times):.2f}, max {max(times):.2f}){verdict}")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
