"""backprop.textbook: the numbers of the report's textbook passages, checked independently."""

from __future__ import annotations

import math

import pytest

from backprop.compare import significant
from backprop.config import RunConfig
from backprop.run import compute_run
from backprop.textbook import float64_check, layer_below, textbook, tiny_network


@pytest.fixture(scope="module")
def default_run():
    return compute_run(RunConfig(), fd=False)


def test_tiny_network_recomputes_with_a_pencil() -> None:
    t = tiny_network()
    params = [*t.x, *t.W1[0], *t.W1[1], *t.b1, *t.W2, t.b2]
    assert all(abs(v * 10 - round(v * 10)) < 1e-9 for v in params)     # one decimal each
    # The forward and backward pass again, in plain Python, from the printed parameters.
    z1 = [t.x[0] * t.W1[0][j] + t.x[1] * t.W1[1][j] + t.b1[j] for j in range(2)]
    h1 = [max(z, 0.0) for z in z1]
    z2 = h1[0] * t.W2[0] + h1[1] * t.W2[1] + t.b2
    y = (t.x[0] ** 2 + t.x[1] ** 2) / 2
    y_pred = max(z2, 0.0)
    g = 2 * (y_pred - y) * (z2 > 0)
    grad_h1 = [g * t.W2[j] for j in range(2)]
    delta1 = [grad_h1[j] * (z1[j] > 0) for j in range(2)]
    close = math.isclose
    assert all(close(a, b, abs_tol=1e-12) for a, b in zip(z1, t.z1, strict=True))
    assert close(t.y, y) and close(t.y_pred, y_pred) and close(t.loss, (y_pred - y) ** 2)
    assert close(t.delta2, g) and close(t.grad_b2, g)
    assert all(close(t.grad_W2[j], h1[j] * g, abs_tol=1e-12) for j in range(2))
    assert all(close(t.delta1[j], delta1[j], abs_tol=1e-12) for j in range(2))
    assert all(close(t.grad_W1[i][j], t.x[i] * delta1[j], abs_tol=1e-12)
               for i in range(2) for j in range(2))
    assert sorted(t.m1) == [False, True] and t.z2 > 0 and t.autograd_agrees


def test_the_layer_below_the_output_passes_through_a_mask(default_run) -> None:
    below = layer_below(default_run)
    assert below.layer == 10
    for g, m, d in zip(below.grad_h, below.mask, below.delta, strict=True):
        assert d == (g if m else 0.0)
    off, on = below.off_unit, below.on_unit
    assert not below.mask[off - 1] and below.grad_h[off - 1] != 0 and below.delta[off - 1] == 0
    assert below.mask[on - 1] and below.delta[on - 1] != 0
    i, j, value = below.grad_W
    assert j == on and math.isclose(value, below.h_below[i - 1] * below.delta[j - 1],
                                    rel_tol=1e-6)
    assert below.grad_b_on == below.delta[on - 1]            # batch of one


def test_float32_against_float64_at_five_digits(default_run) -> None:
    check = float64_check(default_run)
    assert check.entries == 1111 and check.differ == 5 and len(check.examples) == 5
    for _, _, _, x32, x64 in check.examples:
        assert significant(x32) != significant(x64)
        assert abs(x32 - x64) / abs(x64) < 1e-5             # they differ in the last digit only
    assert 0 < check.max_rel_error < 1e-5
    assert textbook(compute_run(RunConfig(dtype="float64"), fd=False)).float64 is None


def test_the_homework_notes_slips_on_this_run(default_run) -> None:
    slips = textbook(default_run).slips
    assert slips.w_slip_shape == (10, 1) and slips.w_true_shape == (10, 10)
    below = layer_below(default_run)
    # `w11.T*grad_b11` keeps exactly the units of layer 10 that are off (and reached).
    off = sum(1 for g, m in zip(below.grad_h, below.mask, strict=True) if not m and g != 0)
    assert slips.b_wrong == off > 0 and slips.b_entries == 10
    unit, slip, truth = slips.b_example
    assert truth == 0.0 and slip == below.grad_h[unit - 1] != 0


def test_with_one_hidden_layer_the_layer_below_reads_x() -> None:
    run = compute_run(RunConfig(K=1, d=3), fd=False)
    below = textbook(run).below
    assert below.layer == 1
    assert list(below.h_below) == run.problem.x[0].tolist()
