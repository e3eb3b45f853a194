"""The contract: NumPy, plain lists, the column convention, intermediates, one dict, bad results."""

import importlib
import sys
from pathlib import Path

import pytest
import torch

from backprop import check
from backprop.check.contract import SubmissionError, normalise
from backprop.check.mutants import mutant
from backprop.config import RunConfig
from backprop.problem import make_problem

sys.path.insert(0, str(Path(__file__).parent / "check_fixtures"))


def fixture(name: str, function: str = "backward"):
    return getattr(importlib.import_module(name), function)


def test_a_solution_in_numpy_agrees_everywhere():
    result = check(fixture("numpy_solution"))
    assert result.agree and result.diagnosis.status == "correct"
    assert result.gradients["W1"].dtype == torch.float32   # NumPy's float32, kept


def test_a_solution_with_loops_over_plain_floats_agrees():
    assert check(fixture("loops_solution"), sweep=False).agree


def test_a_solution_returning_one_dict_with_vector_biases_agrees():
    result = check(fixture("dict_solution", "my_backward"))
    assert result.agree
    assert result.gradients["b3"].shape == (1, 10)


def test_a_solution_returning_intermediates_has_each_compared():
    result = check(fixture("intermediates_solution"), sweep=False)
    kinds = {r.kind for r in result.rows}
    assert kinds == {"grad_W", "grad_b", "z", "h", "delta", "grad_h"}
    assert len(result.rows) == 22 + 4 * 11 and result.agree
    assert "so do the 44 intermediates" in result.verdict()


def test_the_column_convention_is_named_in_one_sentence_not_as_wrong_numbers():
    with pytest.raises(SubmissionError) as caught:
        check(fixture("column_solution"))
    message = str(caught.value)
    assert "your dL/dW_11 is (1, 10), the transpose of W_11's shape (10, 1)" in message
    assert "column convention (W as (out, in))" in message
    assert message.count(".") <= 2 and "\n" not in message


PROBLEM = make_problem(RunConfig(K=2, d=3))
RIGHT = mutant(frozenset())(list(PROBLEM.weights), list(PROBLEM.biases), PROBLEM.x, PROBLEM.y)


@pytest.mark.parametrize(("result", "words"), [
    (3.0, "your backward returned a float; it must return grad_W, grad_b"),
    ((RIGHT[0],), "your backward returned 1 item;"),
    ((*RIGHT, {}, {}), "returned 4 items"),
    ((RIGHT[0][:2], RIGHT[1]), "your grad_W has 2 entries; the network has 3 layers, so it "
                               "needs 3 (grad_W[0] is dL/dW_1)"),
    (("abc", RIGHT[1]), "your grad_W is a str; it must be a list"),
    (([*RIGHT[0][:2], "x"], RIGHT[1]), "your dL/dW_3 is a str, not a tensor or an array"),
    (([torch.zeros(2, 2), *RIGHT[0][1:]], RIGHT[1]), "your dL/dW_1 is (2, 2); it must be "
                                                    "(3, 3), the shape of W_1"),
    ((*RIGHT, {"zz": []}), "unknown key 'zz'"),
    ((*RIGHT, {"z": [None]}), "your intermediates['z'] is 1 entries; it must be a list of 3"),
    ({"W1": RIGHT[0][0]}, "your gradients have no 'W2'"),
    (([torch.zeros(3, 3, dtype=torch.complex64), *RIGHT[0][1:]], RIGHT[1]), "complex"),
])
def test_a_result_that_breaks_the_contract_is_one_sentence_naming_the_entry(result, words):
    with pytest.raises(SubmissionError) as caught:
        normalise(result, PROBLEM)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_bad_result_names_the_config_it_came_from():
    def backward(W, b, x, y):
        return RIGHT if len(W) == 11 else (W, b, x, y)

    with pytest.raises(SubmissionError, match=r"^on the default run \(-K 2 -d 3 --seed 2\), "):
        check(backward, RunConfig(K=2, d=3))


def test_what_the_student_does_to_the_inputs_stays_theirs():
    right = mutant(frozenset())

    def backward(W, b, x, y):
        grads = right(W, b, x, y)
        W[0].mul_(0)
        x.add_(1)
        return grads

    assert check(backward).agree
