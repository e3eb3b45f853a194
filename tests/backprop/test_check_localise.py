"""The first differing layer is found for a mistake planted at each layer, and named right."""

import sys
from pathlib import Path

import pytest

from backprop import check
from backprop.autograd import reference_pass
from backprop.check.equations import NUMBERS
from backprop.check.mutants import mutant
from backprop.config import RunConfig
from backprop.problem import make_problem

sys.path.insert(0, str(Path(__file__).parent / "check_fixtures"))
import intermediates_solution

# Seed 5 has, in every layer, a unit that is off and one that is on, and two of its four
# rows have the output unit off: a mask dropped at any layer changes that layer's results.
CONFIG = RunConfig(K=4, d=8, batch=4, seed=5)
N = CONFIG.layers


def test_the_config_has_units_on_and_off_in_every_layer():
    trace, _ = reference_pass(make_problem(CONFIG))
    assert all(bool((z > 0).any()) and bool((z <= 0).any()) for z in trace.z)


def without_intermediates(backward):
    def grads_only(W, b, x, y):
        return backward(W, b, x, y)[:2]
    return grads_only


@pytest.fixture
def wrong_mask_at(monkeypatch):
    def plant(k):
        monkeypatch.setattr(intermediates_solution, "WRONG_MASK_AT", k)
        return intermediates_solution.backward
    return plant


def lead(k: int, name: str) -> str:
    if k == N:
        return f"{name} differs already at the output layer"
    return f"{name} is the first that differs"


@pytest.mark.parametrize("k", range(1, N + 1))
def test_a_dropped_mask_is_found_at_its_layer_from_the_gradients(k, wrong_mask_at):
    result = check(without_intermediates(wrong_mask_at(k)), CONFIG, sweep=False)
    assert lead(k, f"dL/dW_{k}") in result.first
    above = [r for r in result.rows if r.layer > k]
    assert above and all(r.agree for r in above) if k < N else not above
    eq = NUMBERS["eq-delta-out"] if k == N else NUMBERS["eq-delta-down"]
    assert f"(eq. {eq})" in result.first
    assert f"δ_{k}" in result.first


@pytest.mark.parametrize("k", range(1, N + 1))
def test_with_intermediates_the_dropped_mask_itself_is_named(k, wrong_mask_at):
    result = check(wrong_mask_at(k), CONFIG, sweep=False)
    assert lead(k, f"δ_{k}") in result.first
    if k < N:   # dL/dh_k agreed, so the mask of δ_k = dL/dh_k ⊙ m_k is what is wrong
        assert f"the mask in δ_{k} = dL/dh_{k} ⊙ m_{k} (eq. {NUMBERS['eq-delta']})" \
            in result.first
    else:
        assert f"(eq. {NUMBERS['eq-delta-out']})" in result.first


@pytest.mark.parametrize("k", range(1, N + 1))
def test_a_wrong_dW_alone_points_at_its_own_equation(k):
    right = mutant(frozenset())

    def backward(W, b, x, y):
        grad_W, grad_b = right(W, b, x, y)
        grad_W[k - 1] = grad_W[k - 1] * 1.5
        return grad_W, grad_b

    result = check(backward, CONFIG, sweep=False)
    assert lead(k, f"dL/dW_{k}") in result.first
    h = "x" if k == 1 else f"h_{k - 1}"
    assert f"dL/dW_{k} = {h}ᵀ δ_{k} (eq. {NUMBERS['eq-grad-W']})" in result.first
    wrong = [r.name for r in result.rows if not r.agree]
    assert wrong == [f"dL/dW_{k}"]


def test_the_issue_s_sentence_for_layer_10_of_the_default_network():
    right = mutant(frozenset())

    def backward(W, b, x, y):
        grad_W, grad_b = right(W, b, x, y)
        grad_W[9] = grad_W[9] * 1.5
        return grad_W, grad_b

    first = check(backward, sweep=False).first
    assert first == ("W_11, b_11 agree; dL/dW_10 is the first that differs: the error is in "
                     "dL/dW_10 = h_9ᵀ δ_10 (eq. 5.6), since dL/db_10 = δ_10 agrees.")


def test_a_wrong_forward_intermediate_is_named_from_the_input_up():
    def backward(W, b, x, y):
        grad_W, grad_b, extra = intermediates_solution.backward(W, b, x, y)
        extra["z"][2] = extra["z"][2] + 1.0
        return grad_W, grad_b, extra

    first = check(backward, CONFIG, sweep=False).first
    assert first.startswith("your forward pass differs first at z_3: the error is in "
                            "z_3 = h_2 W_3 + b_3 (eq. 2.2)")


def test_a_wrong_gradient_at_the_output_names_dL_dy_pred_when_intermediates_say_so():
    def backward(W, b, x, y):
        grad_W, grad_b, extra = intermediates_solution.backward(W, b, x, y)
        extra["grad_h"][-1] = extra["grad_h"][-1] * 2
        return grad_W, grad_b, extra

    first = check(backward, CONFIG, sweep=False).first
    assert first == (f"dL/dh_{N} differs already at the output layer: the error is in "
                     f"dL/dy_pred = 2 (y_pred − y) (eq. {NUMBERS['eq-grad-out']}).")
