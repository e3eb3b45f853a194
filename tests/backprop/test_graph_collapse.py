"""Collapsed modules: each module N levels down drawn as one box, the numbering untouched."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path

import pytest
import torch

from backprop.errors import UserError
from backprop.graph import draw, graph_json, graph_of_script
from backprop.graph.collapse import (
    LEGIBLE_PT,
    View,
    collapsed,
    collapsed_dot,
    draw_view,
    heads,
    printed_pt,
)
from backprop.graph.draw import render_svg

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "models"
MODEL = """
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(4)
        self.mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4))

    def forward(self, x):
        return x + self.mlp(self.norm(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(3, 4)
        self.blocks = nn.Sequential(Block(), Block())
        self.head = nn.Linear(4, 1)

    def forward(self, x):
        return self.head(self.blocks(self.embed(x)))


torch.manual_seed(0)
model = Net()
x = torch.rand(5, 3)
loss = model(x).pow(2).mean()
"""
_MBOX = re.compile(r'^\t(m\d+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$', re.M)
_NBOX = re.compile(r'^\tn(\d+) \[label=', re.M)
_EDGE = re.compile(r"^\t([mn]\d+) -> ([mn]\d+)(?: \[(.*)\])?$", re.M)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "net.py"
    path.write_text(MODEL)
    return draw(graph_of_script(path, render=False))


@pytest.fixture(scope="module")
def resnet():
    graph = graph_of_script(EXAMPLES / "resnet18.py", render=False)
    return dataclasses.replace(graph, svg=render_svg(graph.dot))  # the views need no more


def module_boxes(dot: str) -> dict[str, tuple[str, list[str], str]]:
    """{DOT id: (module name, class, the label's other rows, the box's attributes)}."""
    found = {}
    for box, label, attrs in _MBOX.findall(dot):
        title, *rows = label.split("\\n")
        name, kind = re.fullmatch(r"(\S+) \((\w+)\)", title).groups()
        found[box] = (name, kind, rows, attrs)
    return found


def edges(dot: str) -> Counter:
    """Visible edges with their multiplicity: an edge labelled ×3 counts 3."""
    found = Counter()
    for tail, head, attrs in _EDGE.findall(dot):
        if "style=invis" in (attrs or ""):
            continue
        count = re.search(r'label="×(\d+)"', attrs or "")
        found[(tail, head)] += int(count[1]) if count else 1
    return found


def under(record, name: str) -> bool:
    return record.module is not None and (record.module == name
                                          or record.module.startswith(name + "."))


def test_depth_1_of_resnet_is_one_box_per_top_level_module(resnet):
    dot = collapsed(resnet, View(1)).dot
    boxes = module_boxes(dot)
    drawn = [r for r in resnet.nodes if r.kind != "saved"]
    tops = {r.module.split(".")[0] for r in drawn if r.module}
    assert sorted(name for name, *_ in boxes.values()) == sorted(tops)
    assert len(tops) == 9  # conv1 bn1 pool layer1..4 avgpool fc
    for name, _, rows, _ in boxes.values():
        inside = sorted(r.number for r in drawn if under(r, name))
        count = re.match(r"(\d+) box", rows[0])
        assert int(count[1]) == len(inside), name
        if len(inside) > 3:  # the range of the numbers inside it
            assert f"#{inside[0]}–#{inside[-1]}" in rows[0]
        exact = sum(resnet.nodes[n - 1].verified == "exact" for n in inside)
        assert f"{exact} exact" in rows[0]
    kinds = {name: kind for name, kind, *_ in boxes.values()}
    assert kinds["layer1"] == "Sequential" and kinds["conv1"] == "Conv2d"
    assert kinds["fc"] == "Linear" and kinds["pool"] == "MaxPool2d"
    left = {int(n) for n in _NBOX.findall(dot)}  # only boxes outside every module stay
    assert left == {r.number for r in drawn if r.module is None}


def test_edges_between_boxes_are_the_members_edges_merged(resnet):
    for view in (View(1), View(2), View(1, ("layer2.0",))):
        dot = collapsed(resnet, view).dot
        ids = {name: box for box, (name, *_) in module_boxes(dot).items()}
        end = {n: ids[name] for n, name in heads(resnet.nodes, view).items()}
        expected = Counter()
        for tail, to in edges(resnet.dot):
            a, b = (end.get(int(n[1:]), n) for n in (tail, to))
            if a != b:
                expected[(a, b)] += 1
        assert edges(dot) == expected
        assert max(expected.values()) > 1  # some were merged, with their count


def test_expand_opens_exactly_the_named_module_and_its_parents(small):
    dot = collapsed(small, View(1, ("blocks.1.mlp",))).dot
    opened = set(re.findall(r'subgraph "cluster_([^"]+)"', dot))
    assert opened == {"blocks", "blocks.1", "blocks.1.mlp"}
    names = sorted(name for name, *_ in module_boxes(dot).values())
    assert names == ["blocks.0", "blocks.1.mlp.0", "blocks.1.mlp.1", "blocks.1.mlp.2",
                     "blocks.1.norm", "embed", "head"]
    add = [n for n in small.nodes if n.module == "blocks.1" and n.kind == "backward"]
    assert add and all(f"\tn{n.number} [label=" in dot for n in add)  # the block's own


def test_the_numbering_is_the_same_at_every_depth(small, resnet):
    for graph in (small, resnet):
        whole = graph_json(graph)
        for depth in (1, 2, 3):
            drawn = collapsed(graph, View(depth))
            assert graph_json(drawn) == whole
            assert drawn.nodes == graph.nodes and drawn.dot_full == graph.dot
            assert drawn.svg_full == graph.svg
        assert collapsed(graph, View(9)) is graph  # nothing lies that deep


def test_the_default_is_the_deepest_legible_depth(resnet, small):
    assert printed_pt(resnet.svg) < LEGIBLE_PT  # whole, ResNet-18 is illegible on A4
    drawn, said = draw_view(resnet, View())
    sizes = {d: printed_pt(collapsed(resnet, View(d)).svg) for d in (2, 3)}
    assert sizes[3] < LEGIBLE_PT <= sizes[2] == printed_pt(drawn.svg)
    assert "depth 2" in said and "graph-full.svg" in said
    assert printed_pt(small.svg) >= LEGIBLE_PT
    same, said = draw_view(small, View())
    assert same is small and same.dot_full is None and said.startswith("graph.svg draws every")


def test_checks_are_summed_and_a_failure_is_loud(small):
    nodes = list(small.nodes)
    bad = next(n for n in nodes if n.module == "blocks.0.mlp.0" and n.kind == "backward")
    nodes[bad.number - 1] = dataclasses.replace(bad, verified="FAILED")
    head = heads(tuple(nodes), View(1))
    dot = collapsed_dot(small.dot, tuple(nodes), head, small.module_types, values=False)
    boxes = {name: (rows, attrs) for name, _, rows, attrs in module_boxes(dot).values()}
    inside = [n for n in nodes if under(n, "blocks")]
    marks = Counter(n.verified for n in inside)
    assert marks["FAILED"] == 1
    rows, attrs = boxes["blocks"]
    assert f"{marks['exact']} exact" in rows[0] and "1 FAILED" in rows[0]
    assert "#ff9c9c" in attrs and "#ff9c9c" not in boxes["embed"][1]


def test_values_show_the_gradient_entering_each_module(small):
    rows = {}
    for depth in (1, 2):  # embed and head at depth 1, each block at depth 2
        dot = collapsed(small, View(depth), values=True).dot
        rows |= {name: rows for name, _, rows, _ in module_boxes(dot).values()}
    space = {"__name__": "__main__"}
    exec(compile(MODEL, "net.py", "exec"), space)  # the same model, seeded the same
    model, outputs = space["model"], {}
    for name in ("blocks.0", "blocks.1", "head", "embed"):
        module = model.get_submodule(name)
        module.register_forward_hook(lambda m, a, out, name=name: outputs.setdefault(name, out))
    loss = model(space["x"]).pow(2).mean()
    grads = torch.autograd.grad(loss, list(outputs.values()))
    for (name, _), grad in zip(outputs.items(), grads, strict=True):
        assert rows[name][-1] == f"|g| in={grad.norm().item():.2g}", name


def test_a_bad_expand_names_the_nearest_modules(small):
    with pytest.raises(UserError, match=r"'blocks\.1\.mpl': no module has that name; "
                                        r"the nearest are blocks\.1\.mlp"):
        draw_view(small, View(1, ("blocks.1.mpl",)))
    with pytest.raises(UserError, match="nearest are blocks, embed, head"):
        draw_view(small, View(None, ("zzz",)))
    plain = dataclasses.replace(small, module_types={})
    with pytest.raises(UserError, match=r"has no nn\.Module"):
        draw_view(plain, View(None, ("head",)))
