"""What the hooked backward records: the real execution order, where a nan starts, the line
that created each node, the values on every node, and the command's view of them."""

from __future__ import annotations

import textwrap

import numpy as np
import torch
from graph_walk import objects_by_number

from backprop.config import RunConfig
from backprop.graph import graph_of, graph_of_run, graph_of_script
from backprop.graph.values import WHOLE_UP_TO
from backprop.run import compute_run
from cli.gradreport import main as gradreport

NETWORK = """
    import torch
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.GELU(), torch.nn.Linear(8, 3))
    x = torch.randn(5, 4)
    target = torch.tensor([0, 2, 1, 1, 0])
    logits = net(x)
    loss = torch.nn.functional.cross_entropy(logits, target)
"""


def script(tmp_path, text, name="user.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_the_order_is_the_one_an_independent_hook_sees_and_not_the_numbering():
    run = compute_run(RunConfig(K=3, batch=2))
    graph = graph_of_run(run, render=False)
    objects = objects_by_number(graph, run.graph.loss)
    order: list[int] = []
    handles = [objects[n.number].register_prehook(lambda g, n=n.number: order.append(n))
               for n in graph.nodes if n.kind in ("backward", "accumulate")]
    try:
        torch.autograd.backward(run.graph.loss, retain_graph=True)
    finally:
        for handle in handles:
            handle.remove()
    recorded = sorted((n for n in graph.nodes if n.ran is not None), key=lambda n: n.ran)
    assert [n.number for n in recorded] == order
    assert [n.ran for n in recorded] == list(range(1, len(order) + 1))
    assert order != sorted(order)  # an AccumulateGrad runs as soon as it is ready


def test_a_nan_planted_at_one_op_is_traced_to_that_op(tmp_path):
    path = script(tmp_path, """
        import torch
        w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        h = torch.tanh(w) * 2
        r = torch.sqrt(h - h.detach()[1])
        loss = (r * 3).sum()
    """)
    graph = graph_of_script(path, render=False)
    sqrt = next(n for n in graph.nodes if n.label == "SqrtBackward0")
    assert graph.nonfinite_node == sqrt.number
    assert f"#{sqrt.number} SqrtBackward0" in graph.nonfinite
    assert f"{path}:5 (r = torch.sqrt(h - h.detach()[1]))" in graph.nonfinite
    assert "so this node made it" in graph.nonfinite
    later = [n for n in graph.nodes if n.ran and n.ran < sqrt.ran]
    assert all(not (v.nans or v.infs) for n in later for v in n.values.sent if v)


def test_a_finite_graph_has_no_nan_sentence():
    w = torch.randn(3, requires_grad=True)
    graph = graph_of((w.exp() * 2).sum(), {"w": w}, render=False)
    assert graph.nonfinite is None and graph.nonfinite_node is None


def test_each_node_keeps_the_line_of_the_users_script_that_created_it(tmp_path):
    path = script(tmp_path, NETWORK)
    graph = graph_of_script(path, render=False)
    lines = {n.label: (n.source.line, n.source.code) for n in graph.nodes if n.source}
    assert lines["NllLossBackward0"] == (8, "loss = torch.nn.functional.cross_entropy("
                                            "logits, target)")
    assert lines["GeluBackward0"] == (7, "logits = net(x)")
    assert all(n.source.file == str(path) for n in graph.nodes if n.source)
    assert all(n.source for n in graph.nodes if n.kind == "backward")


def test_values_are_the_hooks_values_and_small_tensors_are_kept_whole(tmp_path):
    path = script(tmp_path, NETWORK)
    graph = graph_of_script(path, render=False)
    for node in graph.nodes:
        if node.kind in ("backward", "accumulate"):
            assert node.verified in ("exact", "close"), (node.label, node.why)
    gelu = next(n for n in graph.nodes if n.label == "GeluBackward0")
    sent = graph.arrays[f"n{gelu.number}.sent0"]
    got = graph.arrays[f"n{gelu.number}.received0"]
    assert sent.shape == got.shape == (5, 8)
    summary = gelu.values.sent[0]
    assert summary.shape == (5, 8) and summary.dtype == "float32"
    assert summary.min == sent.min().item() and summary.max == sent.max().item()
    assert abs(summary.norm - sent.double().norm().item()) < 1e-6 * summary.norm
    assert summary.zeros == int((sent == 0).sum())
    forward = gelu.values.forward  # the output of the GELU: what the hooks cannot see
    assert forward.shape == (5, 8) and forward.min >= -0.2
    assert all(t.numel() <= WHOLE_UP_TO for t in graph.arrays.values())


def test_the_command_writes_the_values_file_and_the_magnitudes(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    path = script(tmp_path, NETWORK)
    out = tmp_path / "out"
    assert gradreport(["graph", str(path), "--out", str(out), "--values", "-q"]) == 0
    table = capsys.readouterr().out
    assert "verified" in table and "exact" in table and " 1st " in table
    with np.load(out / "graph-values.npz") as saved:
        assert any(k.endswith(".sent0") for k in saved.files)
    assert "|g|=" in (out / "graph.dot").read_text()


def test_a_failed_check_is_loud_and_exits_1(tmp_path, capsys, monkeypatch):
    from backprop.graph.explain import FORMULAS

    monkeypatch.setitem(FORMULAS, "GeluBackward0", (lambda c: c.g,))
    path = script(tmp_path, NETWORK)
    assert gradreport(["graph", str(path), "--out", str(tmp_path / "o"), "-q"]) == 1
    shown = capsys.readouterr().out
    assert "FAILED #" in shown and "GeluBackward0: its formula does not give" in shown
