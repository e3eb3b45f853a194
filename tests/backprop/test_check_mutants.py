"""Diagnosis by signature: every mutant is found as itself, pairs as pairs, the rest unmatched."""

import pytest
import torch

from backprop import check
from backprop.check.contract import inputs
from backprop.check.core import reference
from backprop.check.mutants import BY_TAG, MISTAKES, candidates, mutant, wrong_pass
from backprop.check.sweep import sweep_configs
from backprop.config import RunConfig
from backprop.manual import manual_pass
from backprop.problem import make_problem


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny tensors: on a busy machine threads only cost time."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_the_pass_without_mistakes_is_the_hand_written_one_bit_for_bit():
    for config in sweep_configs()[::5]:
        problem = make_problem(config)
        grad_W, grad_b = wrong_pass(*inputs(problem))
        right = manual_pass(problem)
        for mine, theirs in zip(grad_W + grad_b, right.grad_W + right.grad_b):
            assert torch.equal(mine, theirs)


@pytest.mark.parametrize("tag", [m.tag for m in MISTAKES if m.tag != "accumulates"])
def test_each_mutant_really_differs_from_autograd_somewhere_in_the_sweep(tag):
    wrong = 0
    for config in sweep_configs():
        problem, trace = reference(config)
        grad_W, grad_b = wrong_pass(*inputs(problem), frozenset([tag]))
        wrong += any(not torch.allclose(a, b, rtol=1e-4)
                     for a, b in zip(grad_W + grad_b, trace.grad_W + trace.grad_b))
    assert wrong >= 5


def test_the_accumulating_mutant_gives_twice_the_answer_the_second_time():
    backward = mutant("accumulates")
    problem = make_problem(RunConfig())
    first, _ = backward(*inputs(problem))
    second, _ = backward(*inputs(problem))
    assert torch.equal(second[0], 2 * first[0])


def test_the_correct_solution_is_diagnosed_as_correct():
    result = check(mutant(frozenset()))
    assert result.agree and result.exit_status == 0
    assert result.diagnosis.status == "correct"
    assert result.diagnosis.mistakes == ()


@pytest.mark.parametrize("tag", [m.tag for m in MISTAKES])
def test_each_mutant_is_diagnosed_as_itself(tag):
    result = check(mutant(tag))
    assert result.exit_status == 1
    assert result.diagnosis.mistakes == ((tag,),)
    assert BY_TAG[tag].does in result.diagnosis.sentence
    assert "(smallest: -K " in result.diagnosis.sentence


def test_the_output_mask_sentence_carries_its_evidence():
    sentence = check(mutant("no_output_mask")).diagnosis.sentence
    assert sentence.startswith("your pass behaves like one that does not mask the output ReLU: "
                               "it agrees whenever the output unit is on and differs in the ")
    assert "configs where the output unit is off (smallest: -K 1 -d 1 --seed" in sentence


# Six pairs that between them hold every mistake once or more.
PAIRS = [("no_output_mask", "bias_mean"), ("factor_one", "transposed_dW"),
         ("no_hidden_masks", "label_half"), ("h_k_for_h_km1", "bias_first_row"),
         ("W_not_transposed", "accumulates"), ("wrong_layer_mask", "no_output_mask")]


@pytest.mark.parametrize("pair", PAIRS, ids="+".join)
def test_pairs_of_mutants_are_found_as_pairs(pair):
    result = check(mutant(set(pair)))
    order = [m.tag for m in MISTAKES]
    assert result.diagnosis.mistakes == (tuple(sorted(pair, key=order.index)),)
    assert all(BY_TAG[t].does in result.diagnosis.sentence for t in pair)


def test_every_mistake_is_in_some_tested_pair_and_every_pair_is_tried():
    assert {t for pair in PAIRS for t in pair} == set(BY_TAG)
    tried = candidates()
    assert all(frozenset(pair) in tried for pair in PAIRS)
    assert len(tried) == len(MISTAKES) + 55 - 2   # two pairs rewrite the same line


def test_a_mistake_no_mutant_covers_gets_no_known_mistake_matches():
    right = mutant(frozenset())

    def backward(W, b, x, y):
        grad_W, grad_b = right(W, b, x, y)
        grad_W[0] = grad_W[0] * 1.01    # off by 1% in layer 1 only: no typical mistake
        return grad_W, grad_b

    result = check(backward)
    assert result.diagnosis.status == "unmatched"
    assert result.diagnosis.sentence.startswith("no known mistake matches")
    assert not any(m.does in result.diagnosis.sentence for m in MISTAKES)
