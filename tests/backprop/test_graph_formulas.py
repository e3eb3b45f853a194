"""Every template's formula, evaluated on what its node received, gives what autograd sent;
and a formula that is wrong, or the two that used to be, is caught: the check can fail."""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
import torch
from graph_cases import CASES, weigh

from backprop.graph import graph_of
from backprop.graph.explain import FORMULAS, TEMPLATES


@cache
def graph_case(name: str):
    """The graph of one case, seeded by its name."""
    gen = torch.Generator().manual_seed(sum(map(ord, name)))
    out = CASES[name][1](gen)
    loss = weigh(out, gen) if out.numel() > 1 or out.dim() else out
    return graph_of(loss, {}, name="loss", render=False)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_formula_gives_what_autograd_sent(name):
    graph = graph_case(name)
    labels = Counter(n.label for n in graph.nodes if n.kind == "backward")
    for wanted in CASES[name][0]:
        assert labels[wanted], f"{name}: no {wanted} in {sorted(labels)}"
    for node in graph.nodes:
        if node.kind in ("backward", "accumulate"):
            assert node.verified in ("exact", "close"), (node.label, node.verified, node.why)
            assert node.ran is not None


def test_every_template_is_checked_on_two_cases_at_least():
    checked = Counter()
    for name in CASES:
        checked.update({n.label for n in graph_case(name).nodes
                        if n.kind == "backward" and n.verified in ("exact", "close")})
    assert set(TEMPLATES) == set(FORMULAS)
    thin = sorted(label for label in TEMPLATES if checked[label] < 2)
    assert not thin, thin
