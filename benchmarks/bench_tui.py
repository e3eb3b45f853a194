"""gradtui speed: time to the first frame, to the first step, and from a step key to repaint.

First step: the time until `step 1/` is on the pane (the two passes done; the finite
differences follow in the background), against `python -c "import torch, textual"`
measured turn about in the same run. Goal: at most 1.3 times that.

First frame: `gradtui` is started in a real terminal (tmux, 120x36) and the pane is polled
until the footer is drawn; the time includes Python's start-up and Textual's import.
Goal: at most 0.5 s. The CPU time the process used until then is printed too (it
hardly depends on how busy the machine is), and a bare Textual app is timed the same
way, for scale.

Step key to repaint: in-process, headless, at 120x36; the time from sending a key event
to the end of the screen update it causes, including turning the update into terminal
output (the part a headless driver skips). Goals: median under 30 ms for the default run,
under 60 ms for K=40, d=64.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual import events

from backprop.config import RunConfig

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.app import GradTUI  # noqa: E402

FIRST_FRAME_RUNS = 5
STEP_KEYS = 60


# Started in tmux in place of the program itself: it notes the CPU seconds the process
# has used when the first frame with the footer's "Quit" is written, then runs `gradtui`
# or, for scale, a bare Textual app with one label and a footer.
WRAPPER = """
import sys, time
from textual.app import App
note, which = sys.argv[1], sys.argv[2]
display = App._display
def timed(self, screen, update):
    display(self, screen, update)
    if note and update is not None and "Quit" in update.render_segments(self.console):
        open(note, "w").write(str(time.process_time()))
        globals()["note"] = ""
App._display = timed
if which == "bare":
    from textual.widgets import Footer, Static
    class Bare(App):
        BINDINGS = [("q", "quit", "Quit")]
        def compose(self):
            yield Static("bare")
            yield Footer()
    Bare().run()
else:
    from cli.gradtui import main
    sys.argv = ["gradtui"]
    main()
"""


def first_frame(which: str, note: Path) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds from starting `which` in tmux to its first full frame."""
    socket = "gradtui-bench"
    walls, cpus = [], []
    for _ in range(FIRST_FRAME_RUNS):
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
        time.sleep(0.2)   # let a previous server finish exiting
        note.unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "120", "-y", "36",
                        sys.executable, "-c", WRAPPER, str(note), which], check=True, cwd=ROOT)
        while True:
            pane = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p"],
                                  capture_output=True, text=True).stdout
            if "Quit" in pane:
                walls.append(time.perf_counter() - start)
                break
            if time.perf_counter() - start > 20:
                raise RuntimeError(f"{which} drew nothing in 20 s:\n" + pane)
            time.sleep(0.002)
        while not (note.exists() and note.read_text()) and time.perf_counter() - start < 20:
            time.sleep(0.01)
        cpus.append(float(note.read_text()))
        subprocess.run(["tmux", "-L", socket, "send-keys", "q"], capture_output=True)
        time.sleep(0.3)
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
    return walls, cpus


async def step_latencies(config: RunConfig,
                         size: tuple[int, int]) -> tuple[list[float], list[float]]:
    """Seconds from a step key to the end of the repaint it causes, and CPU seconds, per key."""
    from textual._compositor import CompositorUpdate

    app = GradTUI(config)
    painted: list[float] = []
    display = app._display

    def timed_display(screen, renderable) -> None:
        display(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)   # what a real terminal driver writes
            painted.append(time.perf_counter())

    app._display = timed_display  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        while getattr(screen, "run", None) is None:
            await asyncio.sleep(0.05)
        await pilot.pause(0.2)
        latencies, cpus = [], []
        keys = ["n"] * (STEP_KEYS // 2) + ["end"] + ["p"] * (STEP_KEYS // 2)
        for key in keys:
            painted.clear()
            start, cpu = time.perf_counter(), time.process_time()
            app._driver.send_message(events.Key(key, None))
            await pilot.pause(0.12)   # the key's updates are all painted well within this
            if key != "end" and painted:
                latencies.append(painted[-1] - start)
                cpus.append(time.process_time() - cpu)   # the idle rest of the pause is ~0
        return latencies, cpus


FIRST_STEP_RUNS = 3


def first_step(args: list[str]) -> float:
    """Wall seconds from starting `gradtui ARGS` in tmux to `step 1/` on its pane."""
    socket = "gradtui-bench-step"
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
    time.sleep(0.2)
    start = time.perf_counter()
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "120", "-y", "36",
                    sys.executable, "-c", "import sys; from cli.gradtui import main; "
                    "sys.exit(main(sys.argv[1:]))", *args], check=True, cwd=ROOT)
    try:
        while True:
            pane = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p"],
                                  capture_output=True, text=True).stdout
            if "step 1/" in pane:
                return time.perf_counter() - start
            if time.perf_counter() - start > 60:
                raise RuntimeError("gradtui showed no step in 60 s:\n" + pane)
            time.sleep(0.01)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


def import_time() -> float:
    """Wall seconds of `python -c "import torch, textual"`, the floor of any first step."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch, textual"], check=True)
    return time.perf_counter() - start


def report_first_step() -> None:
    """`step 1/` on screen against importing torch and textual, measured turn about."""
    for args in ([], ["-K", "40", "-d", "64"]):
        steps, imports = [], []
        for _ in range(FIRST_STEP_RUNS):
            imports.append(import_time())
            steps.append(first_step(args))
        step, floor = statistics.median(steps), statistics.median(imports)
        verdict = "ok" if step <= 1.3 * floor else "SLOWER THAN GOAL"
        name = " ".join(args) or "default run"
        print(f"gradtui 'step 1/' on screen, {name:<12} median {step:5.2f} s = "
              f"{step / floor:.2f} x import torch, textual ({floor:.2f} s) "
              f"(goal 1.3 x: {verdict})")


def report(name: str, values: list[float], goal: float) -> None:
    """One line: median, 90th percentile and worst, against the goal."""
    median = statistics.median(values)
    p90 = sorted(values)[int(0.9 * (len(values) - 1))]
    verdict = "ok" if median <= goal else "SLOWER THAN GOAL"
    print(f"{name:<44} median {median * 1000:6.1f} ms  p90 {p90 * 1000:6.1f} ms  "
          f"max {max(values) * 1000:6.1f} ms  (goal {goal * 1000:.0f} ms: {verdict})")


def main() -> None:
    """Measure and print."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"(load average {load} on {os.cpu_count()} cores: wall times grow with it)")
    if shutil.which("tmux"):
        with tempfile.TemporaryDirectory() as folder:
            for which, name in (("gradtui", "gradtui"), ("bare", "  a bare Textual app")):
                walls, cpus = first_frame(which, Path(folder) / "note")
                report(f"{name} first frame (tmux 120x36)", walls, 0.5)
                report(f"{name} first frame, CPU time", cpus, 0.5)
        report_first_step()
    else:
        print("gradtui first frame: skipped, tmux is not installed")
    for config, goal in ((RunConfig(), 0.030), (RunConfig(K=40, d=64), 0.060)):
        for size in ((120, 36), (80, 24)):
            latencies, cpus = asyncio.run(step_latencies(config, size))
            name = f"gradtui step key to repaint, K={config.K} d={config.d} {size[0]}x{size[1]}"
            report(name, latencies, goal)
            report("  CPU time per step key", cpus, goal)


if __name__ == "__main__":
    main()
