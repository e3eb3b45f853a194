"""The example models: every node numbered, explained, checked, and drawn in its module."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from backprop.graph import graph_of_script
from backprop.graph.draw import render_svg
from backprop.graph.pages import page_dots, pages_html
from backprop.graph.script import run_script

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "models"


@pytest.fixture(scope="module", params=["gpt", "resnet18"])
def example(request):
    path = EXAMPLES / f"{request.param}.py"
    return request.param, graph_of_script(path, render=False), run_script(path)


def test_every_node_is_explained_and_checked(example):
    name, graph, _ = example
    nodes = [n for n in graph.nodes if n.kind in ("backward", "accumulate")]
    assert len(nodes) > {"gpt": 90, "resnet18": 130}[name]
    for node in nodes:
        assert not node.explanation.startswith("No explanation"), node.label
        assert node.verified in ("exact", "close"), (node.label, node.why)
        assert node.ran is not None
    assert graph.nonfinite is None


def test_boxes_are_grouped_by_module_as_named_modules_names_them(example):
    name, graph, space = example
    names = {n for n, _ in space["model"].named_modules() if n}
    used = {n.module for n in graph.nodes if n.module}
    assert used <= names
    wanted = {"gpt": {"blocks.0.attn.qkv", "blocks.1.mlp.0", "tokens", "head"},
              "resnet18": {"layer1.0.conv1", "layer4.1.bn2", "layer2.0.shortcut.0", "fc"}}
    assert wanted[name] <= used
    clusters = set(re.findall(r'subgraph "cluster_([^"]+)"', graph.dot))
    assert {part for m in wanted[name] for part in _prefixes(m)} <= clusters
    weight = next(n for n in graph.nodes if n.label.endswith("fc.weight")
                  or n.label.endswith("head.weight"))
    assert weight.module in ("fc", "head")


def _prefixes(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def test_each_top_level_module_gets_a_legible_page(example):
    name, graph, _ = example
    pages = page_dots(graph.dot, graph.nodes)
    wanted = {"gpt": ["positions", "tokens", "blocks.0", "blocks.1", "ln", "head"],
              "resnet18": ["conv1", "bn1", "pool", "layer1.0", "layer1.1", "layer2.0",
                           "layer2.1", "layer3.0", "layer3.1", "layer4.0", "layer4.1",
                           "avgpool", "fc"]}
    assert list(pages) == wanted[name]  # from the input side to the loss
    placed = Counter()
    for page, dot in pages.items():
        svg = render_svg(dot)
        width, height = map(float, re.search(r'viewBox="0\.00 0\.00 ([\d.]+) ([\d.]+)"',
                                             svg).groups())
        long, short = max(width, height), min(width, height)  # portrait or landscape
        assert 12 * min(1.0, 757 / long, 510 / short) >= 6.5, page
        placed.update(int(n) for n in re.findall(r'^\tn(\d+) \[label="[^"]*"(?! style="dashed")',
                                                 dot, re.M))
    in_modules = [n.number for n in graph.nodes if n.module and n.kind != "saved"]
    assert all(placed[n] == 1 for n in in_modules)
    html = pages_html({"blocks.0": render_svg(next(iter(pages.values())))})
    assert "<h2>blocks.0</h2><svg" in html
