"""The hand-written pass against autograd: bit for bit where it can be, close elsewhere."""

import dataclasses

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from support import same_bits

from backprop.autograd import reference_pass
from backprop.config import DTYPES, INITS, RunConfig
from backprop.diagnostics import diagnose
from backprop.manual import manual_pass
from backprop.problem import make_problem

FIELDS = ("z", "mask", "h", "grad_h", "delta", "grad_W", "grad_b")

configs = st.builds(
    RunConfig,
    K=st.integers(1, 12), d=st.integers(1, 24), batch=st.integers(1, 4),
    seed=st.integers(0, 2**32), init=st.sampled_from(INITS), dtype=st.sampled_from(DTYPES),
)


@settings(max_examples=150, deadline=None)
@given(configs)
def test_hand_written_equals_autograd(config):
    problem = make_problem(config)
    mine = manual_pass(problem)
    theirs, _ = reference_pass(problem)
    assert same_bits(mine.loss, theirs.loss)
    for field in FIELDS:
        for k, (a, b) in enumerate(zip(getattr(mine, field), getattr(theirs, field)), start=1):
            assert a.shape == b.shape, (field, k)
            if (config.batch == 1 and field != "grad_b") or field in ("z", "mask", "h"):
                # the same ops in the same order: the very same bits
                assert same_bits(a, b), (field, k)
            else:
                # a batch sum may be ordered differently inside autograd
                assert torch.allclose(a, b, rtol=1e-5 if config.dtype == "float32" else 1e-12,
                                      atol=0, equal_nan=True), (field, k)


@settings(max_examples=60, deadline=None)
@given(configs.filter(lambda c: c.batch == 1 and c.dtype == "float32"))
def test_float32_batch_1_is_bitwise(config):
    problem = make_problem(config)
    mine, (theirs, _) = manual_pass(problem), reference_pass(problem)
    for name, grad in mine.gradients().items():
        assert same_bits(grad, theirs.gradients()[name]), name


def test_the_hand_written_pass_records_no_graph():
    problem = make_problem(RunConfig(K=3, d=4))
    # Parameters that require grad: any op recorded by autograd would carry a grad_fn.
    tracked = dataclasses.replace(
        problem,
        weights=tuple(W.clone().requires_grad_() for W in problem.weights),
        biases=tuple(b.clone().requires_grad_() for b in problem.biases),
    )
    trace = manual_pass(tracked)
    tensors = [trace.loss] + [t for f in FIELDS for t in getattr(trace, f)]
    assert all(t.grad_fn is None and not t.requires_grad for t in tensors)
    assert torch.is_grad_enabled()  # and grad mode is restored afterwards


def test_every_op_of_the_hand_written_pass_runs_under_no_grad():
    from torch.overrides import TorchFunctionMode

    class GradModes(TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.seen = []

        def __torch_function__(self, func, types, args=(), kwargs=None):
            self.seen.append((getattr(func, "__name__", str(func)), torch.is_grad_enabled()))
            return func(*args, **(kwargs or {}))

    problem = make_problem(RunConfig(K=2, d=3))
    with GradModes() as modes:
        manual_pass(problem)
    names = {name for name, _ in modes.seen}
    assert {"where", "relu", "sum"} <= names      # the mask, the ReLU, the loss: all seen
    switches = [enabled for name, enabled in modes.seen if name == "_set_grad_enabled"]
    assert switches == [True, False]   # off on the way in (from on), back on on the way out
    assert not [name for name, enabled in modes.seen
                if enabled and name != "_set_grad_enabled"]


def test_smallest_network():
    config = RunConfig(K=1, d=1)
    problem = make_problem(config)
    mine, (theirs, _) = manual_pass(problem), reference_pass(problem)
    assert [tuple(g.shape) for g in mine.grad_W] == [(1, 1), (1, 1)]
    for name, grad in mine.gradients().items():
        assert same_bits(grad, theirs.gradients()[name])


def test_dead_output_gives_zero_gradients_and_says_so():
    config = RunConfig(seed=0)  # z_out < 0 for this seed
    problem = make_problem(config)
    mine, (theirs, _) = manual_pass(problem), reference_pass(problem)
    assert float(mine.z[-1]) <= 0
    for name, grad in mine.gradients().items():
        assert bool((grad == 0).all()) and bool((theirs.gradients()[name] == 0).all()), name
    kinds = [d.kind for d in diagnose(mine)]
    assert kinds[0] == "dead-output"
    assert "every gradient is exactly 0" in diagnose(mine)[0].message


def test_overflow_is_reported_not_crashed():
    config = RunConfig(K=80, d=10, seed=4)  # alive, and its gradients pass 3.4e38
    problem = make_problem(config)
    mine, (theirs, _) = manual_pass(problem), reference_pass(problem)
    found = diagnose(mine)
    assert found and found[0].kind == "overflow" and found[0].severe
    assert "overflowed" in found[0].message
    # both passes overflow in the same places
    for a, b in zip(mine.grad_W, theirs.grad_W):
        assert torch.equal(a.isfinite(), b.isfinite())


def test_overflowed_layers_are_not_called_dead():
    trace = manual_pass(make_problem(RunConfig(K=100, d=40, seed=2)))
    assert not bool(trace.z[-1].isfinite().all())
    assert [d.kind for d in diagnose(trace)] == ["overflow"]


def test_dead_hidden_layers_are_named():
    trace = manual_pass(make_problem(RunConfig(K=3, d=2, seed=1)))  # layers 2 and 3 are off
    (found,) = diagnose(trace)
    assert found.kind == "dead-layer" and found.layers == (2, 3)
    assert found.message.startswith("Every unit of hidden layers 2-3 is off")
    assert all(bool((g == 0).all()) for g in trace.grad_W[:3])


@pytest.mark.parametrize("seed", range(20))
def test_dead_layer_diagnostic_matches_the_masks(seed):
    trace = manual_pass(make_problem(RunConfig(K=4, d=2, seed=seed)))
    dead = tuple(k for k in range(1, 5) if not bool(trace.mask[k - 1].any()))
    found = {d.kind: d.layers for d in diagnose(trace)}
    assert found.get("dead-layer", ()) == dead
    assert ("dead-output" in found) == (not bool(trace.mask[-1].any()))
