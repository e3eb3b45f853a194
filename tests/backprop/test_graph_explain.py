"""What the explanations state, checked against what the nodes compute during backward()."""

from __future__ import annotations

import re
import textwrap

import pytest
import torch
import torch.nn.functional as F
from graph_walk import hooked_backward, objects_by_number

from backprop.graph import GraphError, graph_of, graph_of_script


def stated_n(text: str) -> int:
    """The N an explanation states, 'N = 3'."""
    return int(re.search(r"N = (\d+)", text).group(1))


def test_a_mean_over_some_dimensions_divides_by_their_sizes():
    w = torch.arange(1.0, 25.0).reshape(2, 3, 4).requires_grad_()
    weights = torch.arange(1.0, 5.0)  # makes g differ from entry to entry
    means = {"w.mean(0)": w.mean(0), "w.mean(-1, keepdim=True)": w.mean(-1, keepdim=True),
             "w.mean((0, 2))": w.mean((0, 2)), "w.mean()": w.mean()}
    loss = sum((m * weights[: m.shape[-1]] if m.dim() else m).sum() for m in means.values())
    graph = graph_of(loss, {"w": w}, name="loss", values=means, render=False)
    seen = hooked_backward(graph, loss)
    objects = objects_by_number(graph, loss)
    nodes = [n for n in graph.nodes if n.label.startswith("MeanBackward")]
    assert len(nodes) == 4
    counts = []
    for node in nodes:
        (grad_self,), g = seen[node.number]
        fn = objects[node.number]
        n = stated_n(node.explanation)
        sizes = fn._saved_self_sym_sizes
        dims = getattr(fn, "_saved_dim", None) or range(len(sizes))
        dims = sorted(d - 2**64 if d >= 2**63 else d for d in dims)
        if not getattr(fn, "_saved_keepdim", True):
            for d in sorted(d % len(sizes) for d in dims):
                g = g.unsqueeze(d)
        torch.testing.assert_close(grad_self, (g / n).expand(sizes), rtol=0, atol=0)
        counts.append(n)
    assert sorted(counts) == [2, 4, 8, 24]
    over_0 = next(n for n in nodes if "dimension 0 (size 2)" in n.explanation)
    assert "N = 2" in over_0.explanation


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_is_explained_by_its_reduction(reduction):
    w = torch.linspace(-1, 2, 6).reshape(2, 3).requires_grad_()
    target = torch.ones(2, 3)
    out = F.mse_loss(w, target, reduction=reduction)
    loss = out.sum() * 3 if reduction == "none" else out * 3
    graph = graph_of(loss, {"w": w}, name="loss", values={"target": target}, render=False)
    node = next(n for n in graph.nodes if n.label == "MseLossBackward0")
    text = node.explanation
    assert f"reduction='{reduction}'" in text
    assert ("mean((w - target)^2)" in text) == (reduction == "mean")
    assert ("sum((w - target)^2)" in text) == (reduction == "sum")
    (grad_w, _), g = hooked_backward(graph, loss)[node.number]
    expected = 2 * (w - target) * g
    if "/ N" in node.formula:  # the division the explanation states, by the N it states
        expected = expected / stated_n(text)
    torch.testing.assert_close(grad_w, expected.expand_as(w))
    assert ("/ N" in node.formula) == (reduction == "mean")


def test_subtracting_from_a_number_writes_no_made_up_variable():
    c = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)  # a user variable named c
    loss = (5 - c).sum() + torch.rsub(c, 3, alpha=2).pow(2).sum()
    graph = graph_of(loss, {"c": c}, name="loss", render=False)
    nodes = [n for n in graph.nodes if n.label == "RsubBackward1"]
    assert len(nodes) == 2
    for node in nodes:
        assert "c - c" not in node.explanation and "(a constant) - " in node.explanation
    seen = hooked_backward(graph, loss)
    for node in nodes:
        (grad_c,), g = seen[node.number]
        alpha = 2 if "2 * c" in node.explanation else 1
        assert (f"dL/dc = -{alpha} * g" if alpha != 1 else "dL/dc = -g") in node.explanation
        torch.testing.assert_close(grad_c, -alpha * g)
    assert {("2 * c" in n.explanation) for n in nodes} == {True, False}


def test_the_base_of_a_view_is_explained_and_in_the_legend():
    w = torch.ones(2, 3, requires_grad=True)
    base = w * 2
    loss = base[0, 1]  # a view of the non-leaf `base`: torchviz draws it dark green
    graph = graph_of(loss, {"w": w}, name="loss", values={"base": base})
    node = next(n for n in graph.nodes if n.label == "base of loss")
    assert node.explanation.startswith("The base of loss: loss is a view of this tensor (2, 3)")
    legend = graph.dot.split("\tlegend")[1]
    assert "darkolivegreen3" in graph.dot.split("\tlegend")[0]  # the box ...
    assert "darkolivegreen3" in legend and "view" in legend     # ... and what it means
    assert "darkolivegreen3" in graph.svg_saved.lower() or "#a2cd5a" in graph.svg_saved.lower()


def test_the_legend_lists_only_the_colours_drawn(default_run):
    from backprop.graph import graph_of_run

    graph = graph_of_run(default_run, render=False)
    legend = graph.dot.split("\tlegend")[1]
    assert "darkolivegreen3" not in legend and "orange" not in legend
    assert "lightblue" in legend and "darkolivegreen1" in legend
    assert "orange" in graph.dot_saved.split("\tlegend")[1]


def test_a_saved_zero_dimensional_tensor_is_listed():
    w = torch.ones(3, requires_grad=True)
    loss = (w * torch.tensor(3.0)).sum()
    graph = graph_of(loss, {"w": w}, name="loss", render=False)
    mul = next(n for n in graph.nodes if n.label == "MulBackward0")
    assert {s.name: s.shape for s in mul.saved}["other"] == ()
    assert "Saved for backward: other = the constant 3 ()" in mul.explanation


INPLACE = """
    import torch
    w = torch.ones(3, requires_grad=True)
    w2 = w * 1
    w2.add_(1)
    w2.mul_(w2)
    loss = w2.sum()
"""


def test_a_saved_tensor_modified_in_place_is_called_so(tmp_path):
    path = tmp_path / "inplace.py"
    path.write_text(textwrap.dedent(INPLACE))
    graph = graph_of_script(path)
    mul = next(n for n in graph.nodes if n.label == "MulBackward0" and n.saved)
    meanings = {s.name: s.meaning for s in mul.saved}
    # mul_ keeps its own input (self) apart, but `other` is w2 itself, changed by mul_.
    assert meanings["other"].startswith("modified in place afterwards (now at version 2, "
                                        "saved at version 1)"), meanings
    assert "modified" not in meanings["self"] and "freed" not in str(meanings)
    assert "Its saved other was modified in place" in mul.explanation
    assert graph.broken.startswith(f"the value `other` that #{mul.number} MulBackward0 saved")
    assert graph.svg is not None and graph.dot_saved is None and graph.svg_saved is None
    assert "freed" not in graph.note and "modified in place" in graph.note


def test_a_custom_function_whose_saved_tensor_was_modified_says_so(tmp_path):
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    w = torch.ones(3, requires_grad=True)
    h = w * 1
    loss = Square.apply(h).sum()
    h.add_(1)
    with pytest.raises(GraphError) as err:
        graph_of(loss, {"w": w}, render=False)
    assert "modified in place" in str(err.value) and "freed" not in str(err.value)
