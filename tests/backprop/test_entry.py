"""entry(): a cell's formula reads the very entries of the step's inputs, and its terms add
up to the cell (exactly for one term; for a sum, to the dtype's last digit or so)."""

from __future__ import annotations

import pytest
import torch

from backprop.config import RunConfig
from backprop.entry import entry
from backprop.inputs import step_inputs, trace_inputs
from backprop.run import compute_run


@pytest.fixture(scope="module")
def batch_run():
    return compute_run(RunConfig(K=3, d=5, batch=4), fd=False)


def _step(run, symbol):
    return next(s for s in run.steps if s.symbol == symbol)


def _grid(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.reshape(1, 1) if tensor.dim() == 0 else tensor.reshape(tensor.shape[0], -1)


def test_dl_dw_at_batch_one_is_the_product_of_two_entries(default_run) -> None:
    step = _step(default_run, "dL/dW_1")
    cell = entry(step, step_inputs(default_run, step), 1, 2)
    x, delta = default_run.problem.x, default_run.manual.delta[0]
    assert cell.symbol == "dL/dW_1[2,3]" and cell.formula == "x[2] · delta_1[3]"
    (term,) = cell.terms
    assert term.op == "×"
    assert term.factors == (("x[2]", x[0, 1].item()), ("delta_1[3]", delta[0, 2].item()))
    assert term.value == (x[0, 1] * delta[0, 2]).item() == cell.result
    assert cell.manual == step.manual[1, 2].item() and cell.autograd == step.autograd[1, 2].item()
    assert cell.ulps == 0 and (cell.dtype, cell.digits) == ("float32", 9)


def test_z_lists_every_product_and_the_bias(default_run) -> None:
    step = _step(default_run, "z_3")
    cell = entry(step, step_inputs(default_run, step), 0, 0)
    h, W, b = default_run.manual.h[1], default_run.problem.weights[2], default_run.problem.biases[2]
    assert cell.symbol == "z_3[1]" and cell.formula == "Σ_i h_2[i] W_3[i,1] + b_3[1]"
    products, bias = cell.terms[:-1], cell.terms[-1]
    assert len(products) == 10
    for i, term in enumerate(products):
        assert term.factors == ((f"h_2[{i + 1}]", h[0, i].item()),
                                (f"W_3[{i + 1},1]", W[i, 0].item()))
        assert term.value == (h[0, i] * W[i, 0]).item()
    assert bias.factors == (("b_3[1]", b[0, 0].item()),)
    exact = sum(float(t.value) for t in cell.terms)
    assert cell.result == torch.tensor(exact, dtype=torch.float64).float().item()
    # matmul adds in its own order, rounding as it goes: the same up to that rounding
    assert abs(cell.result - cell.manual) <= cell.rounding == pytest.approx(
        11 * torch.finfo(torch.float32).eps * sum(abs(t.value) for t in cell.terms))


def test_every_entry_of_every_step_recombines_to_the_pass_value(default_run, batch_run) -> None:
    for run in (default_run, batch_run):
        for step in run.steps:
            inputs = step_inputs(run, step)
            grid = _grid(step.manual)
            for r in range(grid.shape[0]):
                for c in range(grid.shape[1]):
                    cell = entry(step, inputs, r, c)
                    assert cell.manual == grid[r, c].item(), cell.symbol
                    if not cell.is_sum:
                        assert cell.result == cell.manual and cell.ulps == 0, cell.symbol
                    else:   # an exact sum rounded once, against torch's running sum
                        assert cell.within_rounding, (cell.symbol, cell.ulps)
                        assert cell.rounding <= 1e-5 * sum(abs(t.value) for t in cell.terms)


def test_batch_sums_list_one_term_per_sample(batch_run) -> None:
    step = _step(batch_run, "dL/dW_2")
    cell = entry(step, step_inputs(batch_run, step), 3, 1)
    h, delta = batch_run.manual.h[0], batch_run.manual.delta[1]
    assert cell.formula == "Σ_s h_1[s,4] delta_2[s,2]"
    assert [t.factors for t in cell.terms] == [
        ((f"h_1[{s + 1},4]", h[s, 3].item()), (f"delta_2[{s + 1},2]", delta[s, 1].item()))
        for s in range(4)]
    step = _step(batch_run, "dL/db_1")
    cell = entry(step, step_inputs(batch_run, step), 0, 4)
    assert cell.symbol == "dL/db_1[5]" and cell.formula == "Σ_s delta_1[s,5]"
    assert [t.value for t in cell.terms] == batch_run.manual.delta[0][:, 4].tolist()
    loss = entry(_step(batch_run, "L"), step_inputs(batch_run, _step(batch_run, "L")), 0, 0)
    assert loss.symbol == "L" and loss.formula == "Σ_s (y_pred[s,1] − y[s,1])²"
    assert len(loss.terms) == 4


def test_the_small_steps_name_their_one_input(default_run) -> None:
    found = {}
    for symbol in ("m_2", "h_2", "delta_2", "dL/dh_1", "L", "dL/dy_pred", "dL/db_3"):
        step = _step(default_run, symbol)
        cell = entry(step, step_inputs(default_run, step), 0, 0)
        found[symbol] = (cell.symbol, cell.formula, [t.op for t in cell.terms][:1])
    assert found == {
        "m_2": ("m_2[1]", "[z_2[1] > 0]", ["> 0"]),
        "h_2": ("h_2[1]", "relu(z_2[1])", ["relu"]),
        "delta_2": ("delta_2[1]", "dL/dh_2[1] · m_2[1]", ["where"]),
        "dL/dh_1": ("dL/dh_1[1]", "Σ_j delta_2[j] W_2[1,j]", ["×"]),
        "L": ("L", "(y_pred − y)²", ["(−)²"]),
        "dL/dy_pred": ("dL/dy_pred", "2 (y_pred − y)", ["2(−)"]),
        "dL/db_3": ("dL/db_3[1]", "delta_3[1]", ["entry"]),
    }
    step = _step(default_run, "m_2")
    mask = entry(step, step_inputs(default_run, step), 0, 3)
    assert mask.manual is (default_run.manual.z[1][0, 3].item() > 0) and mask.ulps == 0


def test_a_float64_run_has_17_digits_and_the_inputs_of_another_trace() -> None:
    run = compute_run(RunConfig(K=2, d=3, dtype="float64"), fd=False)
    step = _step(run, "dL/dW_2")
    cell = entry(step, trace_inputs(run.autograd, run.problem, step), 2, 1)
    assert (cell.dtype, cell.digits) == ("float64", 17)
    assert cell.terms[0].factors[0][1] == run.autograd.h[0][0, 2].item()
    assert cell.result == run.autograd.grad_W[1][2, 1].item()


def test_an_entry_outside_the_grid_is_refused(default_run) -> None:
    step = _step(default_run, "dL/db_1")
    with pytest.raises(IndexError, match=r"dL/db_1 has no entry \(2, 1\)"):
        entry(step, step_inputs(default_run, step), 1, 0)
