import dataclasses

import pytest
import torch

from backprop.config import INITS, RunConfig
from backprop.manual import manual_pass
from backprop.problem import layer_sizes, make_problem, param_names


def test_shapes_and_label():
    config = RunConfig(K=3, d=5, batch=4)
    p = make_problem(config)
    assert [tuple(W.shape) for W in p.weights] == layer_sizes(config) == [(5, 5)] * 3 + [(5, 1)]
    assert [tuple(b.shape) for b in p.biases] == [(1, 5)] * 3 + [(1, 1)]
    assert p.x.shape == (4, 5) and p.y.shape == (4, 1)
    assert bool((p.x >= 0).all() and (p.x < 1).all())
    for row, label in zip(p.x.tolist(), p.y.flatten().tolist()):
        assert label == pytest.approx(sum(v * v for v in row) / 5, rel=1e-6)
    assert param_names(config) == ["W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"]


def test_deterministic_and_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    a, b = make_problem(RunConfig(seed=7)), make_problem(RunConfig(seed=7))
    assert torch.equal(torch.random.get_rng_state(), state)
    for ta, tb in zip((*a.weights, *a.biases, a.x, a.y), (*b.weights, *b.biases, b.x, b.y)):
        assert torch.equal(ta, tb)
    c = make_problem(RunConfig(seed=8))
    assert not torch.equal(a.weights[0], c.weights[0])


def test_draw_changes_x_but_not_the_parameters():
    a, b = make_problem(RunConfig(draw=0)), make_problem(RunConfig(draw=1))
    assert not torch.equal(a.x, b.x)
    assert all(torch.equal(u, v) for u, v in zip(a.weights + a.biases, b.weights + b.biases))


def test_float64_is_the_same_network_cast():
    a = make_problem(RunConfig())
    b = make_problem(RunConfig(dtype="float64"))
    assert b.x.dtype == torch.float64
    assert torch.equal(a.x.double(), b.x)
    assert all(torch.equal(u.double(), v) for u, v in zip(a.weights, b.weights))


def test_scaled_inits_rescale_the_same_draw():
    randn = make_problem(RunConfig())
    kaiming = make_problem(RunConfig(init="kaiming"))
    ratio = kaiming.weights[0] / randn.weights[0]
    assert torch.allclose(ratio, torch.full_like(ratio, (2 / 10) ** 0.5))
    assert all(bool((b == 0).all()) for b in kaiming.biases)


@pytest.mark.parametrize("init", INITS)
def test_default_seed_gives_a_live_output(init):
    trace = manual_pass(make_problem(dataclasses.replace(RunConfig(), init=init)))
    assert float(trace.z[-1]) > 0
