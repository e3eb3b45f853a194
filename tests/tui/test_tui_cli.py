"""gradtui's command line: bad options end in one sentence and exit 2, before any screen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from backprop.config import RunConfig
from backprop.errors import UserError
from cli.gradtui import parse_config

CHECK = ("import sys; from cli.gradtui import main; rc = main(sys.argv[1:]); "
         "print('textual' in sys.modules, 'torch' in sys.modules); sys.exit(rc)")


@pytest.mark.parametrize(("args", "words"), [
    (["-K", "0"], "K (hidden layers) must be between 1 and 100, not 0"),
    (["-K", "ten"], "invalid int value: 'ten'"),
    (["-d", "65"], "d (width) must be at most 64 to fit the screen, not 65"),
    (["--batch", "65"], "batch must be at most 64 to fit the screen, not 65"),
    (["--seed", "-1"], "seed must be between 0 and"),
    (["--init", "zeros"], "invalid choice: 'zeros'"),
    (["--dtype", "float16"], "invalid choice: 'float16'"),
    (["--draw", "-2"], "draw must be between 0 and"),
    (["--bogus"], "unrecognized arguments: --bogus"),
])
def test_bad_options_exit_2_with_one_sentence_before_textual_or_torch(
        args: list[str], words: str) -> None:
    done = subprocess.run([sys.executable, "-c", CHECK, *args], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == "False False\n"   # nothing drawn, nothing slow imported
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("gradtui: ") and lines[0].endswith(".")
    assert not lines[0].removeprefix("gradtui: ").startswith("gradtui")   # named once
    assert words in lines[0]
    assert "Traceback" not in done.stderr


def test_good_options_become_the_run_config() -> None:
    config, out = parse_config(["-K", "40", "-d", "64", "--seed", "7", "--init", "kaiming",
                                "--dtype", "float64", "--draw", "3", "--out", "elsewhere"])
    assert config == RunConfig(K=40, d=64, seed=7, init="kaiming", dtype="float64", draw=3)
    assert out == "elsewhere"
    assert parse_config([]) == (RunConfig(), "build")


def test_parse_config_raises_user_errors() -> None:
    with pytest.raises(UserError, match="between 1 and 100"):
        parse_config(["-K", "101"])


def test_help_exits_0_and_names_the_run_options() -> None:
    done = subprocess.run([sys.executable, "-m", "cli.gradtui", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0
    for option in ("--layers", "--width", "--seed", "--init", "--dtype", "--draw", "--out"):
        assert option in done.stdout


def test_the_app_modules_do_not_import_torch() -> None:
    done = subprocess.run([sys.executable, "-c",
                           "import sys, tui.app; print('torch' in sys.modules)"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout == "False\n", done.stderr


# main() as the console script runs it, headless, with a key whose action fails.
CRASH = """
import sys
import cli.gradtui
from tui.app import GradTUI
from cli.gradtui import main
from tui.screens.steps import StepScreen

def broken(self, delta):
    raise RuntimeError("a bug in an action")

async def press_n(pilot):
    await pilot.press("n")

StepScreen.action_step = broken
cli.gradtui.on_a_terminal = lambda: None   # headless: no terminal needed
run = GradTUI.run
GradTUI.run = lambda self, **options: run(self, headless=True, auto_pilot=press_n, **options)
sys.exit(main(["-K", "1", "-d", "2"]))
"""


@pytest.mark.parametrize(("args", "words"), [
    ([], "gradtui: needs a terminal: its input, output and error output cannot be a file or "
         "a pipe"),
    (["--out", "/etc/passwd/x"], "gradtui: cannot write to /etc/passwd/x: /etc/passwd is a "
                                 "file, not a folder."),
])
def test_no_terminal_or_a_bad_out_exits_2_before_any_screen(args, words, tmp_path) -> None:
    done = subprocess.run([sys.executable, "-c", CHECK if not args else
                           "import sys, cli.gradtui; cli.gradtui.on_a_terminal = lambda: None; "
                           + CHECK.removeprefix("import sys; "), *args],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stdout == "False False\n"
    assert done.stderr.startswith(words) and done.stderr.count("\n") == 1, done.stderr
    assert list(tmp_path.iterdir()) == []   # no build/ made


def test_an_app_that_dies_of_an_exception_exits_non_zero() -> None:
    done = subprocess.run([sys.executable, "-c", CRASH], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "a bug in an action" in done.stdout + done.stderr


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(("ttys", "term", "words"), [
    ((True, True, True), "xterm-256color", None),
    ((True, True, False), "xterm-256color", "its input, output and error output cannot be"),
    ((False, True, True), "xterm-256color", "its input, output and error output cannot be"),
    ((True, True, True), "dumb", "TERM is 'dumb': run it in a terminal emulator or set TERM"),
    ((True, True, True), "unknown", "TERM is 'unknown'"),
])
def test_a_terminal_that_cannot_draw_the_screen_is_named(ttys, term, words, monkeypatch) -> None:
    from tui import terminal

    for name, tty in zip(("stdin", "stdout", "stderr"), ttys, strict=True):
        monkeypatch.setattr(terminal.sys, name, _Stream(tty))
    monkeypatch.setenv("TERM", term)
    problem = terminal.terminal_problem()
    if words is None:
        assert problem is None
    else:
        assert problem is not None and words in problem and "\n" not in problem


def test_a_signal_gives_the_shells_status_and_one_line() -> None:
    from tui.signals import exit_status, stopped_line

    assert [exit_status(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)] == \
        [130, 143, 129]
    assert stopped_line(signal.SIGTERM) == "gradtui: stopped by SIGTERM."


def _out_problems(tmp_path: Path) -> list[tuple[str, str]]:
    """(--out, what its sentence must say) for each kind of folder that cannot be written."""
    (tmp_path / "file").write_text("")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # root passes every permission check: a folder the kernel refuses even to root, then
    no_entry = "/sys/gradtui" if os.geteuid() == 0 else str(locked / "out")
    return [(str(tmp_path / ("a" * 300)), "file name too long"),
            (str(tmp_path / "file"), "it is a file, not a folder"),
            (str(tmp_path / "file" / "x"), "file is a file, not a folder"),
            (str(tmp_path / "dangling"), "it is a symbolic link to nothing"),
            (no_entry, "not permitted" if os.geteuid() == 0 else "permission denied")]


def test_every_out_problem_is_one_sentence_and_exit_2_before_the_screen(tmp_path) -> None:
    for out, words in _out_problems(tmp_path):
        done = subprocess.run([sys.executable, "-c", "import sys, cli.gradtui; "
                               "cli.gradtui.on_a_terminal = lambda: None; "
                               + CHECK.removeprefix("import sys; "), "--out", out],
                              capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert done.returncode == 2, (out, done.stderr)
        assert done.stdout == "False False\n"   # before Textual, before torch
        line, = done.stderr.splitlines()
        assert line.startswith("gradtui: cannot write to ") and line.endswith("."), line
        assert words in line and len(line) < 200, line   # a long name is shortened
        assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling", "file", "locked"]
