"""Steps: the right order, the right tensors, and the line of code that made each."""

import ast
import inspect
from pathlib import Path

from backprop import manual
from backprop.config import RunConfig
from backprop.steps import manual_source, marker_lines, step_order

SOURCE_LINES = Path(manual.__file__).read_text().splitlines()


def test_order_for_the_default_network(default_run):
    steps = default_run.steps
    n = default_run.config.layers
    assert len(steps) == 3 * n + 2 + 3 * n + (n - 1) == 78
    assert [s.index for s in steps] == list(range(len(steps)))
    assert [(s.tag, s.layer) for s in steps[:4]] == [("z", 1), ("mask", 1), ("h", 1), ("z", 2)]
    assert [(s.phase, s.tag) for s in steps[33:35]] == [("loss", "loss"),
                                                         ("backward", "grad_y_pred")]
    assert [(s.tag, s.layer) for s in steps[35:39]] == [
        ("delta", 11), ("grad_W", 11), ("grad_b", 11), ("grad_h", 11)]
    assert [(s.tag, s.layer) for s in steps[-3:]] == [("delta", 1), ("grad_W", 1), ("grad_b", 1)]
    assert step_order(1)[-1] == ("backward", "grad_b", 1)


def test_each_step_carries_the_trace_tensors(default_run):
    run = default_run
    for step in run.steps:
        k = step.layer
        if step.tag == "grad_W":
            assert step.manual is run.manual.grad_W[k - 1]
            assert step.autograd is run.autograd.grad_W[k - 1]
        elif step.tag == "grad_h":
            assert step.manual is run.manual.grad_h[k - 2]  # dL/dh_{k-1}
            assert step.autograd is run.autograd.grad_h[k - 2]
        elif step.tag == "z":
            assert step.manual is run.manual.z[k - 1]
        assert step.agreement.bitwise, step.symbol


def test_marker_lines_point_at_the_code_that_computes(default_run):
    lines = marker_lines()
    expected_code = {
        "z": "h[k - 1] @ W[k] + b[k]", "mask": "z[k] > 0", "h": "torch.relu(z[k])",
        "loss": "(y_pred - y).pow(2)", "grad_y_pred": "2 * (y_pred - y)",
        "delta": "torch.where(mask[k], grad_h[k], 0.0)", "grad_W": "h[k - 1].T @ delta[k]",
        "grad_b": "delta[k].sum(dim=0, keepdim=True)", "grad_h": "delta[k] @ W[k].T",
    }
    assert set(lines) == set(expected_code)
    for tag, code in expected_code.items():
        assert code in SOURCE_LINES[lines[tag] - 1], tag
    for step in default_run.steps:
        assert step.line == lines[step.tag]


def test_markers_are_on_assignments_inside_manual_pass():
    source, start = manual_source()
    assert source == inspect.getsource(manual.manual_pass)
    function = ast.parse(source).body[0]
    assigned = {node.lineno + start - 1 for node in ast.walk(function)
                if isinstance(node, ast.Assign)}
    assert set(marker_lines().values()) <= assigned


def test_equations_name_the_layer():
    from backprop.run import compute_run

    run = compute_run(RunConfig(K=2, d=3, batch=2))
    by_key = {(s.tag, s.layer): s for s in run.steps}
    assert by_key[("z", 1)].text == "z_1 = x W_1 + b_1"
    assert by_key[("h", 3)].text == "y_pred = h_3 = relu(z_3)"
    assert by_key[("grad_h", 2)].text == "dL/dh_1 = delta_2 W_2^T"
    assert by_key[("grad_b", 2)].text == "dL/db_2 = sum_i delta_2,i"
    assert by_key[("loss", None)].tex.startswith(r"L = \sum")
    assert all(s.tex and s.title for s in run.steps)
