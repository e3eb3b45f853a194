"""gradtui SCRIPT.py: the node shown is the hooks' own record, step by step in the order the
nodes ran; and in a real terminal on the transformer example."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from test_tui_tmux import GRADTUI, Terminal

from backprop.graph.measure import ordinal
from tui.app import GradTUI

SCRIPT = """
    import torch
    w = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
    x = torch.tensor([[1.0, 2.0], [-3.0, 0.5]])
    h = torch.tanh(x @ w)
    loss = (h * h).sum()
"""


async def loaded(pilot, app) -> object:
    """Wait until the screen has its graph."""
    deadline = time.monotonic() + 60
    while app.screen.graph is None:
        assert time.monotonic() < deadline, "the script's graph never arrived"
        await asyncio.sleep(0.05)
    await pilot.pause()
    return app.screen


def text_of(screen, widget_id: str) -> str:
    return str(screen.query_one(f"#{widget_id}").render())


async def test_each_step_shows_the_hooks_values_in_execution_order(tmp_path):
    path = tmp_path / "user.py"
    path.write_text(textwrap.dedent(SCRIPT))
    app = GradTUI(script=str(path))
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await loaded(pilot, app)
        graph = screen.graph
        order = sorted((n for n in graph.nodes if n.ran), key=lambda n: n.ran)
        assert [n.number for n in screen.order] == [n.number for n in order]
        for step, node in enumerate(order):
            assert screen.cursor == step
            title = text_of(screen, "node-title")
            assert f"#{node.number} {node.label}" in title
            assert f"ran {ordinal(node.ran)} of {len(order)}" in title and node.verified in title
            received = text_of(screen, "node-received")
            got = graph.arrays[f"n{node.number}.received0"]
            for value in got.flatten().tolist():  # every entry the hook saw, as shown
                assert f"{value:.4g}" in received
            sent = text_of(screen, "node-sent")
            for i, summary in enumerate(node.values.sent):
                if summary is not None:
                    assert f"norm {summary.norm:.4g}" in sent
                    whole = graph.arrays[f"n{node.number}.sent{i}"]
                    assert all(f"{v:.4g}" in sent for v in whole.flatten().tolist())
            if node.source:
                code = screen.query_one("#script-code")
                assert code.current == node.source.line
            await pilot.press("n")
        tanh = next(n for n in order if n.label == "TanhBackward0")
        assert tanh.source.code == "h = torch.tanh(x @ w)"


def test_gradtui_steps_through_the_transformer_in_a_real_terminal(tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    example = Path(__file__).resolve().parents[2] / "examples" / "models" / "gpt.py"
    term = Terminal()
    term.tmux("new-session", "-d", "-x", "140", "-y", "40", "-c", str(tmp_path), "bash",
              "--norc", "--noprofile")
    try:
        term.tmux("send-keys", f"{GRADTUI} {example}; echo EXIT=$?", "Enter")
        pane = term.wait_for("ran 1st of", timeout=120)
        assert re.search(r"#2 NllLossBackward0 · ran 1st of \d+", pane)
        term.tmux("send-keys", "n")
        term.wait_for("ran 2nd of")
        term.tmux("send-keys", "q")
        term.wait_for("EXIT=0")
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)
