"""`gradreport graph` and the graph files of `gradreport build`, as a user meets them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from report.cli import main

SCRIPT = """import torch
x = torch.rand(4, 3)
W = torch.randn(3, 1, requires_grad=True)
loss = torch.sigmoid(x @ W).mean()
"""


def one_error_line(capsys) -> str:
    """The single stderr line of a failed command, checked to be one sentence."""
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("gradreport: ") and err.endswith(".\n"), err
    return err


def test_graph_of_the_run_writes_files_and_prints_the_table(tmp_path, capsys):
    assert main(["graph", "-q", "--out", str(tmp_path), "-K", "2"]) == 0
    out = capsys.readouterr().out
    assert "MmBackward0" in out and "dL/dW_3" in out
    nodes = json.loads((tmp_path / "graph.json").read_text())["nodes"]
    assert len(nodes) == 7 * 2 + 10 + 2 * 2 + 3  # main boxes + saved tensors
    assert [n["number"] for n in nodes] == list(range(1, len(nodes) + 1))
    for name in ("graph.svg", "graph.dot", "graph-saved.svg", "graph-saved.dot"):
        assert (tmp_path / name).stat().st_size > 0
    assert "#24 W1 (10, 10)" in (tmp_path / "graph.svg").read_text()


def test_graph_of_a_script_and_its_explanations(tmp_path, capsys):
    path = tmp_path / "mine.py"
    path.write_text(SCRIPT + "total = loss * 2\n")
    assert main(["graph", str(path), "--var", "total", "--out", str(tmp_path), "-q",
                 "--explain"]) == 0
    out = capsys.readouterr().out
    assert "SigmoidBackward0" in out and "MeanBackward0" in out
    assert "dL/dW = self^T @ g" not in out and "#1 total" in out
    assert "backward masks" not in out  # no ReLU here: the explanations are per type
    nodes = json.loads((tmp_path / "graph.json").read_text())["nodes"]
    assert nodes[0]["label"] == "total"


def test_names_with_brackets_are_printed_as_text(tmp_path, capsys):
    path = tmp_path / "view.py"
    path.write_text("import torch\nW = torch.ones(2, 2, requires_grad=True)\nloss = W[0, 0]\n")
    assert main(["graph", str(path), "--out", str(tmp_path), "-q", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "grad_self[index] = g" in out and "W[i]" in out  # not eaten as rich markup
    nodes = json.loads((tmp_path / "graph.json").read_text())["nodes"]
    # loss is a view of the parameter W: torchviz draws W once, as the leaf
    assert [n["kind"] for n in nodes].count("leaf") == 1


def test_missing_dot_says_what_to_install_and_still_writes_records(tmp_path):
    (tmp_path / "graph.svg").write_text("stale")  # must not survive as if it were current
    env = {**os.environ, "PATH": ""}
    done = subprocess.run([sys.executable, "-m", "report.cli", "graph", "-q", "-K", "1",
                           "--out", str(tmp_path)], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "install the graphviz package (Debian: apt-get install graphviz)" in done.stderr
    assert (tmp_path / "graph.dot").exists() and (tmp_path / "graph.json").exists()
    assert not (tmp_path / "graph.svg").exists() and not (tmp_path / "graph-saved.svg").exists()


@pytest.mark.parametrize(("text", "args", "message"), [
    ("raise RuntimeError('boom')\n", [], "failed at line 1: RuntimeError: boom"),
    (SCRIPT, ["--var", "nothing"], "defines no variable 'nothing' (tensors with a graph: loss)"),
    (SCRIPT, ["--var", "x"], "x has no autograd graph"),
    ("import torch\nloss = torch.ones(2, requires_grad=True) * 3\n", [],
     "loss has shape (2,), but a graph is drawn from a scalar"),
])
def test_script_failures_exit_2_with_one_sentence(tmp_path, capsys, text, args, message):
    path = tmp_path / "bad.py"
    path.write_text(text)
    assert main(["graph", str(path), "--out", str(tmp_path / "out"), "-q", *args]) == 2
    assert message in one_error_line(capsys)
    assert not (tmp_path / "out" / "graph.json").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["graph", "--var", "loss"], "--var names a variable of SCRIPT.py"),
    (["graph", "nope.py"], "nope.py: no such file"),
    (["graph", "x.py", "-K", "3"], "run options do not apply to a script"),
    (["graph", "-K", "0"], "K (hidden layers) must be between 1 and 100"),
    (["graph", "a.py", "b.py"], "unrecognized arguments: b.py"),
])
def test_bad_command_lines_exit_2(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert main([*args, "-q"]) == 2
    assert message in one_error_line(capsys)


def test_an_unwritable_out_folder_fails_before_any_work(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    assert main(["graph", "--out", str(tmp_path / "file"), "-q"]) == 2
    assert "is a file, not a folder" in one_error_line(capsys)


def test_build_writes_the_graph_files_too(tmp_path, capsys):
    assert main(["build", "-q", "-K", "1", "--out", str(tmp_path)]) == 0
    for name in ("graph.svg", "graph.dot", "graph.json", "torch_autograd.dat"):
        assert (tmp_path / name).exists()
    assert "graph.svg" in capsys.readouterr().out
