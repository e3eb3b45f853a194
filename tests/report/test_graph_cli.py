"""`gradreport graph` and the graph files of `gradreport build`, as a user meets them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support import gradreport

from cli.gradreport import main

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
    done = gradreport("graph", "-q", "-K", "1", "--out", tmp_path, env={"PATH": ""})
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
    ("class Stop(BaseException):\n    pass\nraise Stop('custom stop')\n", [],
     "bad.py failed at line 3: Stop: custom stop"),
    ("import os\nos._exit(0)\n", [], "bad.py defines no variable 'loss'"),
    ("import os\nos._exit(5)\n", [], "bad.py exited with status 5"),
    ("import sys\nsys.exit('bad thing happened')\n", [], "bad.py stopped: bad thing happened."),
    ("x = 1\0\n", [], "bad.py is not valid Python: source code string cannot contain null "
                       "bytes."),
])
def test_script_failures_exit_2_with_one_sentence(tmp_path, capsys, text, args, message):
    path = tmp_path / "bad.py"
    path.write_text(text)
    assert main(["graph", str(path), "--out", str(tmp_path / "a" / "out"), "-q", *args]) == 2
    assert message in one_error_line(capsys)
    assert not (tmp_path / "a").exists()  # the folders it made for --out, still empty: gone


def test_an_interrupt_exits_130_and_leaves_nothing(tmp_path, capsys):
    (tmp_path / "stop.py").write_text("raise KeyboardInterrupt\n")
    out = tmp_path / "a" / "out"
    assert main(["graph", str(tmp_path / "stop.py"), "--out", str(out), "-q"]) == 130
    assert one_error_line(capsys) == "gradreport: interrupted.\n"
    assert not (tmp_path / "a").exists()


def test_a_failure_keeps_an_out_folder_that_was_there(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "bad.py").write_text("1 / 0\n")
    assert main(["graph", str(tmp_path / "bad.py"), "--out", str(tmp_path / "out"), "-q"]) == 2
    assert "ZeroDivisionError" in one_error_line(capsys)
    assert (tmp_path / "out").is_dir()


def test_a_saved_tensor_modified_in_place_exits_2_with_the_graph_written(tmp_path, capsys):
    path = tmp_path / "inplace.py"
    path.write_text("import torch\nw = torch.ones(3, requires_grad=True)\nw2 = w * 1\n"
                    "w2.add_(1)\nw2.mul_(w2)\nloss = w2.sum()\n")
    assert main(["graph", str(path), "--out", str(tmp_path / "out"), "-q"]) == 2
    err = one_error_line(capsys)
    assert "inplace.py: the value `other` that #3 MulBackward0 saved for backward was " \
           "modified in place afterwards" in err and "backward() would fail" in err
    for name in ("graph.svg", "graph.dot", "graph.json"):
        assert (tmp_path / "out" / name).exists()
    assert not (tmp_path / "out" / "graph-saved.dot").exists()


def test_a_script_that_changes_folder_cannot_move_the_output(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "cd.py").write_text("import os\n" + SCRIPT + "os.chdir('elsewhere')\n")
    assert main(["graph", "cd.py", "--out", "outdir", "-q"]) == 0
    assert (tmp_path / "outdir" / "graph.json").exists()
    assert not (tmp_path / "elsewhere" / "outdir").exists() and os.getcwd() == str(tmp_path)
    assert "wrote outdir/graph.svg, outdir/graph.dot" in capsys.readouterr().out


def test_a_dead_network_says_so(tmp_path, capsys):
    assert main(["graph", "--seed", "0", "--out", str(tmp_path), "-q"]) == 0
    out = capsys.readouterr().out
    assert "dead-output: The output ReLU is off" in out
    assert main(["graph", "--out", str(tmp_path), "-q"]) == 0  # seed 2 is alive
    assert "dead-output" not in capsys.readouterr().out


def test_notes_and_file_lists_stay_on_one_line(tmp_path):
    env = {"PATH": "", "COLUMNS": "40"}
    build = gradreport("build", "-q", "-K", "1", "--out", tmp_path, env=env)
    assert build.returncode == 0
    assert build.stderr.count("\n") == 1 and "apt-get install graphviz)." in build.stderr
    assert build.stderr.startswith("gradreport: note: Graphviz's `dot` is not installed")
    graph = gradreport("graph", "-q", "-K", "1", "--out", tmp_path, env={"COLUMNS": "40"})
    wrote = next(line for line in graph.stdout.splitlines() if line.startswith("wrote "))
    assert wrote.endswith("graph-saved.dot")


def test_user_text_is_never_read_as_rich_markup(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # short paths: the table's title is not wrapped
    folder = Path("q[/x]")
    folder.mkdir(parents=True)  # "q[" then "x]"
    path = folder / "s[bold]\\.py"
    path.write_text("import torch\nm = torch.nn.Module()\n"
                    "m.register_parameter('w[/x]\\\\', torch.nn.Parameter(torch.ones(2)))\n"
                    "loss = (m.get_parameter('w[/x]\\\\') * 2).sum()\n")
    out = folder / "o[/x]\\"
    assert main(["graph", str(path), "--out", str(out), "--explain"]) == 0
    captured = capsys.readouterr()
    assert f"running {path}" in captured.err
    # The parameter is named w[/x]\ : shown as it is, not eaten as markup nor escaped twice.
    assert "│ m.w[/x]\\ " in captured.out and "The parameter m.w[/x]\\ (2)" in captured.out
    assert f"in {path}" in captured.out and f"wrote {out}/graph.svg" in captured.out
    (folder / "f[bold].py").write_text("raise ValueError('[/x] \\\\')\n")
    assert main(["graph", str(folder / "f[bold].py"), "--out", str(out), "-q"]) == 2
    assert "ValueError: [/x] \\." in one_error_line(capsys)


def test_graphs_beyond_the_drawing_limit_keep_their_records(tmp_path, capsys, monkeypatch):
    import backprop.graph.build as build

    monkeypatch.setattr(build, "MAX_DRAWN_BOXES", 20)  # K=1: 17 boxes, 22 with saved ones
    assert main(["graph", "-q", "-K", "1", "--out", str(tmp_path)]) == 0
    assert "view has 22 boxes, more than the 20 drawn as SVG" in capsys.readouterr().out
    assert (tmp_path / "graph.svg").exists() and (tmp_path / "graph-saved.dot").exists()
    assert not (tmp_path / "graph-saved.svg").exists()
    monkeypatch.setattr(build, "MAX_DRAWN_BOXES", 10)
    assert main(["graph", "-q", "-K", "1", "--out", str(tmp_path)]) == 2
    assert "The graph has 17 boxes, more than the 10 drawn as SVG" in one_error_line(capsys)
    assert not (tmp_path / "graph.svg").exists() and (tmp_path / "graph.json").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["graph", "--var", "loss"], "--var names a variable of SCRIPT.py"),
    (["graph", "nope.py"], "nope.py: no such file"),
    (["graph", "x.py", "-K", "3"], "run options do not apply to a script"),
    (["graph", "-K", "0"], "K (hidden layers) must be between 1 and 100"),
    (["graph", "a.py", "b.py"], "unrecognized arguments: b.py (see 'gradreport graph --help')"),
    (["graph", "a.py", "--var", ""], "--var: '' is not a Python variable name"),
    (["graph", "a.py", "--var", "net.loss"], "--var: 'net.loss' is not a Python variable name"),
    (["graph", "--out", " "], "--out: a folder name cannot be empty"),
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
