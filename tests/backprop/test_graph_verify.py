"""The check can fail: a wrong formula is FAILED, and so are the two formulas that were wrong."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from backprop.config import RunConfig
from backprop.graph import graph_of, graph_of_run
from backprop.graph.explain import FORMULAS
from backprop.run import compute_run


def records(loss, params=None):
    return graph_of(loss, params or {}, name="loss", render=False).nodes


def node(loss, label, params=None):
    return next(n for n in records(loss, params) if n.label == label)


def weighted(out):
    gen = torch.Generator().manual_seed(3)
    return (out * torch.randn(out.shape, generator=gen, dtype=out.dtype)).sum()


@pytest.fixture
def formula(monkeypatch):
    """Replace one node type's executable formula for the length of a test."""
    def put(label, grads):
        monkeypatch.setitem(FORMULAS, label, grads)
    return put


def test_a_formula_off_by_a_little_fails_with_its_error(formula):
    x, w = torch.randn(3, 4), torch.randn(4, 2, requires_grad=True)
    formula("MmBackward0", (lambda c: c.g @ c.mat2.mT, lambda c: 1.001 * (c.self.mT @ c.g)))
    mm = node(weighted(x @ w), "MmBackward0")
    assert mm.verified == "FAILED"
    assert 0.0009 < mm.error < 0.0011
    assert "input 1: max relative error" in mm.why


def test_a_formula_of_the_wrong_shape_fails(formula):
    x = torch.randn(3, 4, requires_grad=True)
    formula("TBackward0", (lambda c: c.g,))
    t = node(weighted(x.t()), "TBackward0")
    assert t.verified == "FAILED" and "shape (4, 3), autograd sent (3, 4)" in t.why


OLD_ADDMM = (lambda c: c.g, lambda c: c.g @ c.mat2.mT, lambda c: c.mat1.mT @ c.g)


def test_addmm_with_alpha_and_beta_is_exact_and_the_old_formula_fails(formula):
    c = torch.randn(2, 5, dtype=torch.float64, requires_grad=True)
    x = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    w = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    loss = weighted(torch.addmm(c, x, w, beta=2.0, alpha=3.0))
    addmm = node(loss, "AddmmBackward0", {"c": c, "x": x, "w": w})
    assert addmm.verified == "exact"
    assert "addmm, 2 * c + 3 * (x @ w) (beta = 2, alpha = 3)" in addmm.explanation
    assert "dL/dc = 2 * g, summed" in addmm.explanation
    assert "dL/dw = 3 * x^T @ g" in addmm.explanation
    assert "alpha * g @ mat2^T" in addmm.formula
    formula("AddmmBackward0", OLD_ADDMM)
    old = node(loss, "AddmmBackward0")
    assert old.verified == "FAILED"


def test_addmm_with_alpha_and_beta_of_one_still_passes_the_old_formula(formula):
    formula("AddmmBackward0", OLD_ADDMM)
    c, x = torch.randn(5, requires_grad=True), torch.randn(2, 4, requires_grad=True)
    w = torch.randn(4, 5, requires_grad=True)
    assert node(weighted(torch.addmm(c, x, w)), "AddmmBackward0").verified == "exact"


OLD_SUM = (lambda c: c.g.expand(c.input_sizes()),)


@pytest.mark.parametrize("make", [lambda p: p.sum(dim=1), lambda p: p.sum(dim=0)],
                         ids=["dim 1", "dim 0"])
@pytest.mark.parametrize("shape", [(8, 2), (3, 3)], ids=["8x2", "square"])
def test_a_sum_over_a_dim_is_exact_and_the_old_formula_fails(formula, make, shape):
    p = torch.randn(*shape, requires_grad=True)
    loss = weighted(make(p))
    summed = node(loss, "SumBackward1")
    assert summed.verified == "exact"
    formula("SumBackward1", OLD_SUM)
    old = node(loss, "SumBackward1")
    leading = make(torch.zeros(2, 3)).shape == (3,)
    # Expanding g without unsqueeze happens to be right only over the leading dim.
    assert old.verified == ("exact" if leading else "FAILED")


def test_a_mean_over_the_last_dim_of_a_square_matrix_fails_the_old_formula(formula):
    a = torch.randn(3, 3, requires_grad=True)
    loss = weighted(a.mean(dim=-1))
    mean = node(loss, "MeanBackward1")
    assert mean.verified == "exact"
    assert "g.unsqueeze(1)" in mean.formula and "dimension 1 (size 3)" in mean.explanation
    formula("MeanBackward1", (lambda c: (c.g / 3).expand(c.input_sizes()),))
    assert node(loss, "MeanBackward1").verified == "FAILED"


def test_a_sum_with_keepdim_says_no_unsqueeze():
    a = torch.randn(2, 3, requires_grad=True)
    summed = node(weighted(a.sum(1, keepdim=True)), "SumBackward1")
    assert "unsqueeze" not in summed.formula and summed.verified == "exact"


def test_t_mentions_nn_linear_only_for_a_linear_weight():
    v = torch.randn(3, 4, requires_grad=True)
    own = node(weighted(v.t()), "TBackward0")
    assert "nn.Linear" not in own.explanation
    layer = torch.nn.Linear(4, 2)
    out = weighted(layer(torch.randn(5, 4)))
    t = node(out, "TBackward0", {"layer.weight": layer.weight, "layer.bias": layer.bias})
    assert "(nn.Linear transposes its weight this way)" in t.explanation


def test_mul_says_why_factors_are_saved_only_when_they_are():
    a, b = torch.randn(3, requires_grad=True), torch.randn(3, requires_grad=True)
    both = node((a * b).sum(), "MulBackward0", {"a": a, "b": b})
    assert "which is why both factors are saved" in both.explanation
    one = node((a * torch.randn(3)).sum(), "MulBackward0", {"a": a})
    assert "which is why" not in one.explanation
    assert "only the factor" in one.explanation and one.verified == "exact"


def test_the_first_layers_product_is_explained_on_its_own():
    graph = graph_of_run(compute_run(RunConfig(K=2)), render=False)
    first = next(n for n in graph.nodes if n.label == "MmBackward0" and n.layer == 1)
    other = next(n for n in graph.nodes if n.label == "MmBackward0" and n.layer == 2)
    assert "No gradient goes to x" in first.explanation
    assert "only self = x was saved" in first.explanation
    assert "dL/dx" not in first.explanation.split("No gradient")[0]
    assert "No gradient goes" not in other.explanation
    assert [s.name for s in first.saved if s.shape is not None] == ["self"]


def test_the_default_networks_graph_is_all_exact():
    graph = graph_of_run(compute_run(RunConfig()), render=False)
    checked = [n.verified for n in graph.nodes if n.kind != "saved"]
    assert set(checked) == {"exact"} and len(checked) == 80
    assert {n.verified for n in graph.nodes if n.kind == "saved"} == {""}


def test_a_graph_freed_by_backward_is_not_checkable_and_says_why():
    w = torch.randn(3, requires_grad=True)
    loss = (w * w).sum()
    loss.backward()
    mul = node(loss, "MulBackward0", {"w": w})
    assert mul.verified == "not checkable"
    assert mul.why.startswith("backward() through the graph fails: Trying to backward")


def test_the_users_graph_and_grads_are_left_as_they_were():
    w = torch.randn(4, requires_grad=True)
    w.grad = torch.full((4,), 7.0)
    loss = (F.softplus(w) * 3).sum()
    records(loss, {"w": w})
    assert torch.equal(w.grad, torch.full((4,), 7.0))
    loss.backward()  # the graph is still there
    assert torch.allclose(w.grad, 7.0 + 3 * torch.sigmoid(w))
