"""Finite differences: the third witness agrees, and catches a wrong gradient."""

import dataclasses

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop import fd as fd_module
from backprop.config import INITS, RunConfig
from backprop.fd import finite_differences
from backprop.manual import manual_pass
from backprop.problem import make_problem


def float64_problem(config):
    return make_problem(dataclasses.replace(config, dtype="float64"))


@settings(max_examples=60, deadline=None)
@given(st.builds(RunConfig, K=st.integers(1, 12), d=st.integers(1, 24),
                 batch=st.integers(1, 4), seed=st.integers(0, 2**32),
                 init=st.sampled_from(INITS)))
def test_finite_differences_agree_away_from_kinks(config):
    problem = float64_problem(config)
    result = finite_differences(problem, manual_pass(problem).gradients())
    assert result.agree, [(p.name, p.max_rel_error) for p in result.params if not p.agree]
    assert [p.name for p in result.params] == list(manual_pass(problem).gradients())
    assert not result.sampled  # these are all below 20,000 parameters


def test_a_unit_that_stays_off_is_exactly_zero_not_a_false_alarm():
    """b9's units 13 and 14 are off: the batched matmul's rounding (which differs with a
    row's position in the batch) once gave them estimates -5.7e-3 and -1.1e-2, and an alarm."""
    problem = float64_problem(RunConfig(K=12, d=15, seed=1011))
    result = finite_differences(problem, manual_pass(problem).gradients())
    assert result.agree
    b9 = next(p for p in result.params if p.name == "b9")
    assert bool((b9.gradient[13:15] == 0).all()) and bool((b9.estimate[13:15] == 0).all())
    assert b9.status != "differ"


def test_an_output_far_below_the_label_is_not_a_false_alarm():
    """y_pred ~ 1e-7 beside y ~ 0.3 (xavier, K=18): L's own rounding, not y_pred's,
    dominated the two losses, and the old noise model (ulps of y_pred) raised alarms."""
    problem = float64_problem(RunConfig(K=18, d=10, batch=4, seed=3921477800, init="xavier"))
    result = finite_differences(problem, manual_pass(problem).gradients())
    assert result.agree and result.resolved > result.checked // 2


def test_an_error_the_size_of_the_false_alarm_on_a_unit_that_is_on_is_caught():
    """1.7e-5 of b9's scale, put on a unit that is on, is a wrong gradient and is said."""
    problem = float64_problem(RunConfig(K=12, d=15, seed=1011))
    grads = manual_pass(problem).gradients()
    scale = float(grads["b9"].abs().max())
    for unit in (7, 12):   # the largest and the smallest gradient of b9's live units
        assert grads["b9"][0, unit] != 0
        wrong = dict(grads)
        wrong["b9"] = grads["b9"].clone()
        wrong["b9"][0, unit] += 1.7e-5 * scale
        result = finite_differences(problem, wrong)
        assert [p.name for p in result.params if not p.agree] == ["b9"], unit


def test_every_entry_checked_and_estimates_are_close():
    problem = float64_problem(RunConfig())
    grads = manual_pass(problem).gradients()
    result = finite_differences(problem, grads)
    for check in result.params:
        assert check.checked == check.total == grads[check.name].numel()
        off = ~check.kink
        expected = grads[check.name].reshape(-1)[check.index][off]
        assert torch.allclose(check.estimate[off], expected, rtol=1e-5,
                              atol=1e-6 * float(expected.abs().max()) + 1e-300)


def test_a_wrong_gradient_is_caught():
    problem = float64_problem(RunConfig())
    grads = manual_pass(problem).gradients()
    for name in ("W1", "b5", "W11"):
        wrong = dict(grads)
        wrong[name] = grads[name].clone()
        flat = wrong[name].view(-1)
        flat[int(flat.abs().argmax())] *= 1.001
        result = finite_differences(problem, wrong)
        failed = [p.name for p in result.params if not p.agree]
        assert failed == [name]


def test_the_homework_missing_output_mask_is_caught():
    """Seed 0's output ReLU is off: gradients ignoring that mask are wrong, and FD says so."""
    problem = float64_problem(RunConfig(seed=0))
    trace = manual_pass(problem)
    n = len(problem.weights)
    wrong = dict(trace.gradients())
    wrong[f"b{n}"] = trace.grad_y_pred  # the homework: b_grad[10] = grad_y_pred, no mask
    result = finite_differences(problem, wrong)
    assert [p.name for p in result.params if not p.agree] == [f"b{n}"]


def test_kinks_are_flagged_not_failed():
    # d=1 networks sit on kinks easily: a nudge flips the single unit of some layer.
    flagged = 0
    for seed in range(40):
        problem = float64_problem(RunConfig(K=6, d=2, seed=seed, init="xavier"))
        result = finite_differences(problem, manual_pass(problem).gradients())
        assert result.agree
        flagged += sum(p.kinks for p in result.params)
    assert flagged > 0


def test_large_networks_are_sampled_deterministically(monkeypatch):
    monkeypatch.setattr(fd_module, "MAX_CHECKED", 300)
    problem = float64_problem(RunConfig(K=3, d=20))
    grads = manual_pass(problem).gradients()
    a, b = finite_differences(problem, grads), finite_differences(problem, grads)
    assert a.sampled
    assert 280 <= sum(p.checked for p in a.params) <= 320
    assert all(p.checked >= 1 for p in a.params)
    assert all(torch.equal(p.index, q.index) for p, q in zip(a.params, b.params))
    assert a.agree


def test_a_huge_loss_never_passes_a_wrong_gradient():
    """K=60 under randn: L ~ 6e37, so some entries are lost in the estimate's rounding."""
    problem = float64_problem(RunConfig(K=60, seed=3))
    grads = manual_pass(problem).gradients()
    right = finite_differences(problem, grads)
    assert right.agree and right.resolved > 0
    assert sum(p.unresolved for p in right.params) > 0   # said, not hidden
    # The first, a middle and the last layer (each a whole finite-difference check: every
    # 7th tensor, as before, cost 18 of them and most of this file's time).
    for name in ("W1", "b30", "W61"):
        wrong = dict(grads)
        wrong[name] = grads[name] * 2
        check = next(p for p in finite_differences(problem, wrong).params if p.name == name)
        if not bool((grads[name] == 0).all()):
            assert check.status in ("differ", "unresolved"), name


def test_a_tensor_all_on_kinks_is_unresolved_not_agreeing():
    for seed in range(200):
        problem = float64_problem(RunConfig(K=3, d=1, seed=seed, init="xavier"))
        result = finite_differences(problem, manual_pass(problem).gradients())
        on_kinks = [p for p in result.params if p.kinks == p.checked]
        if on_kinks:
            assert all(p.status == "unresolved" and p.resolved == 0 for p in on_kinks)
            return
    raise AssertionError("no parameter on a kink in 200 seeds")


def test_a_dead_output_is_judged_not_unresolved():
    """y_pred = 0 exactly whatever the nudge: the estimates carry no rounding, all agree."""
    problem = float64_problem(RunConfig(seed=0))
    result = finite_differences(problem, manual_pass(problem).gradients())
    assert result.agree and result.resolved == result.checked - sum(p.kinks for p in result.params)
    assert all(p.status == "agree" for p in result.params if p.kinks < p.checked)
    assert all(bool((p.estimate == 0).all()) for p in result.params)
