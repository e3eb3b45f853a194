"""The student's pass as steps (gradtui --check): their values, what differs, and their lines.

The first test runs the student's file in a child process, as gradtui does; the others call
the same pieces here, in this process (a child costs seconds to import torch).
"""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

from backprop.autograd import reference_pass
from backprop.check.contract import inputs, normalise
from backprop.check.lines import find_lines, traced_call
from backprop.check.loader import parse_target
from backprop.check.session import check_run
from backprop.check.steps import build_check_steps, first_differing
from backprop.config import RunConfig
from backprop.problem import make_problem
from backprop.verdict import state

EXAMPLES = Path(__file__).parents[2] / "examples"
FIXTURES = Path(__file__).parent / "check_fixtures"
# Seed 5 has, in every layer, a unit that is off and one that is on (see test_check_localise):
# a mask dropped at any layer changes that layer's results.
CONFIG = RunConfig(K=4, d=8, batch=4, seed=5)
N = CONFIG.layers


def steps_of(path: Path, config: RunConfig = CONFIG):
    """What check_run gives, the student's function called in this process."""
    spec = importlib.util.spec_from_file_location(f"student_{path.stem}_{id(path)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    problem = make_problem(config)
    result, found = traced_call(module.backward, inputs(problem), str(path))
    submission = normalise(result, problem)
    steps = build_check_steps(submission, reference_pass(problem)[0],
                              find_lines(submission, found), path.name, config.batch)
    return SimpleNamespace(steps=steps, first=first_differing(steps),
                           source=path.read_text(), gradients=submission.gradients)


def line_text(run, step) -> str:
    return run.source.splitlines()[step.line - 1].strip()


def by_symbol(run, symbol: str):
    return next(s for s in run.steps if s.symbol == symbol)


def test_a_correct_solution_run_in_a_child_agrees_at_every_step_and_its_lines_are_its_own():
    run = check_run(parse_target(str(EXAMPLES / "solution.py")), RunConfig(), timeout=60,
                    sweep=False)
    assert [s.symbol for s in run.steps[:4]] == ["dL/dW_11", "dL/db_11", "dL/dW_10", "dL/db_10"]
    assert len(run.steps) == 22 and run.first is None
    assert all(state(s.agreement) == "agree" for s in run.steps)
    for k in range(1, 12):
        step = by_symbol(run, f"dL/dW_{k}")
        assert line_text(run, step).startswith("w_grad[k] = h[k].T @ delta")
        assert step.where == f"line {step.line} of solution.py computed this value"
        bias = by_symbol(run, f"dL/db_{k}")
        assert line_text(run, bias).startswith("b_grad[k] = delta.sum(dim=0, keepdim=True)")
    # The student's values are the hand-written side: the very tensors they returned.
    assert run.steps[0].manual.equal(run.check.gradients["W11"])


def test_every_quantity_returned_is_a_step_with_its_line():
    run = steps_of(FIXTURES / "layered_solution.py")
    symbols = [s.symbol for s in run.steps]
    assert symbols[:3] == ["z_1", "m_1", "h_1"]
    assert symbols[3 * N:3 * N + 2] == ["dL/dy_pred", "delta_5"]
    assert len(symbols) == 3 * N + 4 * N and run.first is None
    texts = {s.symbol: line_text(run, s) for s in run.steps if s.line is not None}
    assert texts["z_3"] == "z.append(h[-1] @ W[k] + b[k])"
    assert texts["delta_2"] == "delta[k] = torch.where(mask, grad_h[k], 0.0)"
    assert texts["dL/dh_2"] == "grad_h[k - 1] = delta[k] @ W[k].T"
    assert texts["dL/dy_pred"] == "grad_h[n - 1] = 2 * (h[n] - y)"
    assert texts["dL/dW_4"] == "grad_W[k] = h[k].T @ delta[k]"
    # Their code makes no mask of layer 1 it keeps (it is made inline, then replaced).
    mask = by_symbol(run, "m_5")
    assert mask.line is None or line_text(run, mask) == "mask = z[k] > 0"


@pytest.mark.parametrize("k", [1, 3, N])
def test_a_planted_wrong_layer_marks_exactly_the_steps_from_that_layer_down(k, tmp_path):
    source = (FIXTURES / "layered_solution.py").read_text()
    planted = tmp_path / "mine.py"
    planted.write_text(source.replace("WRONG_AT = None", f"WRONG_AT = {k}"))
    run = steps_of(planted)
    differing = {s.symbol for s in run.steps if state(s.agreement) != "agree"}
    below = {f"delta_{j}" for j in range(1, k + 1)} | {
        f"dL/d{p}_{j}" for j in range(1, k + 1) for p in "Wb"} | {
        f"dL/dh_{j}" for j in range(1, k)}
    assert differing == below
    assert run.steps[run.first].symbol == f"delta_{k}"
    assert all(state(s.agreement) == "agree" for s in run.steps[:run.first])


def test_a_numpy_solution_finds_its_lines_by_value():
    run = steps_of(FIXTURES / "numpy_solution.py")
    assert run.first is None
    for k in range(1, N + 1):
        assert line_text(run, by_symbol(run, f"dL/dW_{k}")) == "grad_W[k] = h[k].T @ delta"


def test_a_value_no_line_assigned_has_no_line(tmp_path):
    mine = tmp_path / "mine.py"   # dL/db_k made three times too large in the return statement
    mine.write_text((EXAMPLES / "solution.py").read_text().replace(
        "    return w_grad, b_grad", "    return w_grad, [g * 3.0 for g in b_grad]"))
    run = steps_of(mine, RunConfig())
    step = by_symbol(run, "dL/db_3")
    assert step.line is None and step.where == "no line of mine.py computed this value"
    assert state(step.agreement) == "differ" and run.steps[run.first].symbol == "dL/db_11"
    assert by_symbol(run, "dL/dW_3").line is not None


def test_a_numpy_pass_in_the_column_convention_finds_its_lines_by_value():
    """W as (out, in) and h as columns: the finder matches the values turned to ours."""
    run = steps_of(FIXTURES / "column_numpy_solution.py")
    assert run.first is None
    for k in range(1, N + 1):
        assert line_text(run, by_symbol(run, f"dL/dW_{k}")) == (
            "grad_W[k] = delta @ h[k].T      # (out, in)")
    for k in range(1, N):   # dL/db_N is one number (1 x 1): by value it matches nothing
        assert line_text(run, by_symbol(run, f"dL/db_{k}")) == (
            "grad_b[k] = delta.sum(axis=1, keepdims=True)")


def test_a_torch_pass_in_the_column_convention_finds_the_line_of_every_intermediate():
    """z_k, h_k, delta_k, dL/dh_k as columns: each step's line is the one that computed it."""
    run = steps_of(FIXTURES / "column_intermediates_solution.py")
    assert run.first is None
    expected = {"dL/dW": "grad_W[k] = delta[k] @ h[k].T",
                "dL/db": "grad_b[k] = delta[k].sum(dim=1, keepdim=True)",
                "z": "z.append(Wc[k] @ h[-1] + b[k].T)", "h": "h.append(torch.relu(z[-1]))",
                "delta": "delta[k] = torch.where(z[k] > 0, grad_h[k], 0.0)",
                "dL/dh": "grad_h[k - 1] = Wc[k].T @ delta[k]"}
    seen = set()
    for step in run.steps:
        prefix = step.symbol.rsplit("_", 1)[0]
        if prefix in expected and step.line is not None:
            assert line_text(run, step) == expected[prefix], step.symbol
            seen.add(prefix)
    assert seen == set(expected)
