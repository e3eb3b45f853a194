"""End to end in a real terminal: tmux runs gradtui, keys go in, capture-pane reads the screen."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from backprop.config import RunConfig
from backprop.steps import step_order

GRADTUI = Path(sys.executable).parent / "gradtui"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (scripts/system-deps.sh installs it)")


class Terminal:
    """One tmux server on a private socket, with one window of a fixed size."""

    def __init__(self) -> None:
        self.socket = f"gradtui-test-{uuid.uuid4().hex[:8]}"

    def tmux(self, *args: str) -> str:
        """Run a tmux command on this server; its output."""
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, check=True, timeout=10).stdout

    def screen(self) -> str:
        """The text on the pane now."""
        return self.tmux("capture-pane", "-p")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """Poll the pane until `text` is on it; the pane's text."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pane = self.screen()
            if text in pane:
                return pane
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the pane shows:\n{self.screen()}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """A tmux server running a shell in tmp_path, killed afterwards."""
    term = Terminal()
    term.tmux("new-session", "-d", "-x", "100", "-y", "30", "-c", str(tmp_path), "bash",
              "--norc", "--noprofile")
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)


def test_gradtui_steps_and_quits_cleanly_in_a_real_terminal(terminal: Terminal) -> None:
    total = len(step_order(RunConfig().layers))
    terminal.tmux("send-keys", f"{GRADTUI}; echo EXIT=$?", "Enter")
    pane = terminal.wait_for(f"step 1/{total}")
    assert "z_1 = x W_1 + b_1" in pane
    terminal.tmux("send-keys", "n")
    pane = terminal.wait_for(f"step 2/{total}")
    assert "m_1 = [z_1 > 0]" in pane and "ReLU mask of layer 1" in pane
    terminal.tmux("send-keys", "End")
    pane = terminal.wait_for(f"step {total}/{total}")
    assert "dL/db_1 = delta_1" in pane
    assert "✓ bit-for-bit identical" in pane
    terminal.tmux("send-keys", "q")
    pane = terminal.wait_for("EXIT=0")
    assert "Traceback" not in pane


def test_a_bad_option_prints_one_sentence_in_the_terminal(terminal: Terminal) -> None:
    terminal.tmux("send-keys", f"{GRADTUI} --init zeros; echo EXIT=$?", "Enter")
    pane = terminal.wait_for("EXIT=2")
    assert "gradtui: argument --init: invalid choice: 'zeros'" in pane
    assert "Traceback" not in pane


@pytest.mark.parametrize(("name", "status", "when"), [
    ("INT", 130, "importing torch"), ("TERM", 143, "importing torch"), ("HUP", 129, "step 1/")])
def test_a_signal_restores_the_terminal_with_one_line_and_its_status(
        terminal: Terminal, tmp_path: Path, name: str, status: int, when: str) -> None:
    pid = tmp_path / "pid"
    terminal.tmux("send-keys", f"sh -c 'echo $$ > {pid}; exec {GRADTUI}'; echo EXIT=$?",
                  "Enter")
    terminal.wait_for(when)
    os.kill(int(pid.read_text()), getattr(signal, f"SIG{name}"))
    pane = terminal.wait_for(f"EXIT={status}", timeout=10)
    assert f"gradtui: stopped by SIG{name}.\nEXIT={status}" in pane
    assert "Traceback" not in pane
    assert terminal.tmux("display-message", "-p", "#{alternate_on}").strip() == "0"


def test_keys_typed_while_it_starts_are_not_echoed(terminal: Terminal) -> None:
    total = len(step_order(RunConfig().layers))
    terminal.tmux("send-keys", f"{GRADTUI}; echo EXIT=$?", "Enter")
    terminal.wait_for("importing torch")
    terminal.tmux("send-keys", "nnnxyz", "PageDown")
    pane = terminal.wait_for(f"step 1/{total}")
    assert "xyz" not in pane and "[6~" not in pane
    terminal.tmux("send-keys", "q")
    assert "xyz" not in terminal.wait_for("EXIT=0")


def test_a_dumb_terminal_is_refused_in_one_sentence(terminal: Terminal) -> None:
    terminal.tmux("send-keys", f"TERM=dumb {GRADTUI}; echo EXIT=$?", "Enter")
    pane = terminal.wait_for("EXIT=2", timeout=20)
    assert "gradtui: needs a terminal that can move the cursor" in pane
