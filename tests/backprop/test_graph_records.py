"""The graph's boxes: counts, numbering, links, saved values and the drawing's labels."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import pytest
import torch
from graph_walk import objects_by_number
from support import python

from backprop.config import RunConfig
from backprop.graph import graph_json, graph_of_run, nodes_for_step
from backprop.graph.draw import number_map, torchviz_statements
from backprop.graph.records import number_boxes
from backprop.run import compute_run

DOT_BOX = re.compile(r'^\tn(\d+) \[label="([^"]*)"', re.M)
DOT_EDGE = re.compile(r"^\tn(\d+) -> n(\d+)", re.M)


@pytest.fixture(scope="module")
def run(default_run):
    return default_run


@pytest.fixture(scope="module")
def graph(run):
    return graph_of_run(run)


def test_default_network_counts_and_types(graph):
    main = [n for n in graph.nodes if n.kind != "saved"]
    assert len(main) == 80 and len(graph.nodes) == 103
    assert Counter(n.kind for n in graph.nodes) == {
        "output": 1, "backward": 35, "accumulate": 22, "leaf": 22, "saved": 23}
    labels = Counter(n.label for n in main if n.kind in ("backward", "accumulate"))
    assert labels == {"PowBackward0": 1, "SubBackward0": 1, "ReluBackward0": 11,
                      "AddBackward0": 11, "MmBackward0": 11, "AccumulateGrad": 22}
    leaves = {n.label for n in graph.nodes if n.kind == "leaf"}
    assert leaves == {f"{p}{k}" for p in "Wb" for k in range(1, 12)}
    assert [n.number for n in graph.nodes] == list(range(1, 104))
    assert graph.nodes[0].label == "L" and graph.nodes[1].label == "PowBackward0"


@pytest.mark.parametrize("K", range(1, 13))
def test_counts_follow_a_formula_in_K(K):
    graph = graph_of_run(compute_run(RunConfig(K=K)), render=False)
    kinds = Counter(n.kind for n in graph.nodes)
    # Per linear layer: Mm, Add, Relu and two AccumulateGrad; plus Pow and Sub for the loss.
    assert kinds["backward"] + kinds["accumulate"] == 5 * K + 7
    assert kinds["leaf"] == 2 * (K + 1) and kinds["output"] == 1
    assert len(graph.nodes) - kinds["saved"] == 7 * K + 10
    assert kinds["saved"] == 2 * K + 3  # each relu's result, each mm's self, pow's self
    assert len(DOT_EDGE.findall(graph.dot)) == 7 * K + 9  # a tree: one edge per box but L
    # the saved view adds a line per saved tensor, and per mat2 = W_k (k >= 2)
    assert len(DOT_EDGE.findall(graph.dot_saved)) == 7 * K + 9 + 2 * K + 3 + K


def test_numbering_is_breadth_first_and_matches_next_functions(run, graph):
    objects = objects_by_number(graph, run.graph.loss)  # asserts inputs == children, BFS order
    for node in graph.nodes:
        if node.kind in ("backward", "accumulate"):
            assert type(objects[node.number]).__name__ == node.label
        if node.kind == "leaf":
            assert objects[node.number] is run.graph.params[node.label]
        for number in node.inputs:  # outputs are the inputs seen from the other end
            assert node.number in graph.nodes[number - 1].outputs
        for number in node.outputs:
            assert node.number in graph.nodes[number - 1].inputs


def test_numbering_is_identical_across_runs_and_processes(run, graph):
    again = graph_of_run(compute_run(RunConfig()))
    assert again.nodes == graph.nodes and again.dot == graph.dot and again.svg == graph.svg

    def digest(g):
        text = graph_json(g) + g.dot + g.dot_saved + g.svg + g.svg_saved
        return hashlib.sha256(text.encode()).hexdigest()

    code = ("from backprop.config import RunConfig; from backprop.run import compute_run; "
            "from backprop.graph import graph_of_run, graph_json; import hashlib; "
            "g = graph_of_run(compute_run(RunConfig())); "
            "t = graph_json(g) + g.dot + g.dot_saved + g.svg + g.svg_saved; "
            "print(hashlib.sha256(t.encode()).hexdigest())")
    other = python("-c", code, check=True)   # another process: other id()s, same graph
    assert other.stdout.strip() == digest(graph)
    assert "0x" not in graph.dot and not re.search(r"\d{9,}", graph.dot)  # no id() leaks


@pytest.mark.parametrize("show_saved", [False, True])
def test_every_torchviz_box_has_exactly_one_record(run, graph, show_saved):
    layout = number_boxes(run.graph.loss)
    nodes, edges = torchviz_statements(run.graph.loss, run.graph.params, show_saved)
    mapping = number_map(layout, nodes, edges, show_saved)
    assert len(set(mapping.values())) == len(nodes)  # one record per box, none shared
    expected = len(graph.nodes) if show_saved else 80
    assert sorted(mapping.values()) == list(range(1, expected + 1))
    for node_id, attrs in nodes.items():
        record = graph.nodes[mapping[node_id] - 1]
        first_line = attrs["label"].strip('"').split("\n")[0]
        # torchviz writes no name for the output; the rest must be what the record says
        assert first_line == ("" if record.kind == "output" else record.label)


def test_every_drawn_box_carries_its_number(graph):
    for dot, count in ((graph.dot, 80), (graph.dot_saved, 103)):
        boxes = DOT_BOX.findall(dot)
        assert [int(n) for n, _ in boxes] == list(range(1, count + 1))
        for number, label in boxes:
            record = graph.nodes[int(number) - 1]
            assert label.startswith(f"#{number} {record.label}")
    assert "legend" in graph.dot and "orange" not in graph.dot.split("legend")[1]
    assert "orange" in graph.dot_saved.split("legend")[1]
    for svg in (graph.svg, graph.svg_saved):
        assert svg.startswith("<?xml") and "#80 W1 (10, 10)" in svg


@pytest.mark.parametrize("view", ["svg", "svg_saved"])
def test_graph_fits_one_a4_page_with_legible_labels(graph, view):
    svg = getattr(graph, view)
    width, height = map(float, re.search(r'viewBox="0\.00 0\.00 ([\d.]+) ([\d.]+)"', svg).groups())
    fontsize = float(re.search(r"fontsize=(\d+)", graph.dot).group(1))
    a4_width, a4_height = 510, 757  # pt: A4 less 15 mm margins
    scale = min(1.0, a4_width / width, a4_height / height)
    assert fontsize * scale >= 6.5


def test_saved_values_say_which_forward_value_they_are(run, graph):
    objects = objects_by_number(graph, run.graph.loss)
    named = {"x": run.problem.x, "y_pred": run.autograd.h[-1],
             "y_pred - y": run.autograd.h[-1] - run.problem.y}
    named.update({f"h{k}": h for k, h in enumerate(run.autograd.h[:-1], start=1)})
    saved = [n for n in graph.nodes if n.kind == "saved"]
    for node in saved:
        owner = objects[node.saved_by[0]]
        value = getattr(owner, f"_saved_{node.label}")
        assert torch.equal(value, named[node.saved[0].meaning]), node
    for node in graph.nodes:
        if node.label == "MmBackward0":
            k = node.layer
            meanings = {s.name: s.meaning for s in node.saved}
            assert meanings["self"] == ("x" if k == 1 else f"h{k - 1}")
            assert meanings["mat2"] == (f"W{k}" if k > 1 else "None (not needed by this backward)")
            if k > 1:
                assert objects[node.number]._saved_mat2 is run.graph.params[f"W{k}"]
                leaf = next(n for n in graph.nodes if n.label == f"W{k}")
                assert leaf.saved_by == (node.number,)  # drawn as the leaf's own box
        if node.label == "ReluBackward0":
            result = next(s for s in node.saved if s.name == "result").meaning
            assert result == ("y_pred" if node.layer == 11 else f"h{node.layer}")


def test_each_node_type_is_explained(graph):
    for node in graph.nodes:
        assert node.explanation and "No explanation" not in node.explanation
        if node.kind in ("backward", "accumulate"):
            assert node.formula
    mm3 = next(n for n in graph.nodes if n.label == "MmBackward0" and n.layer == 3)
    assert "dL/dh2 = g @ W3^T" in mm3.explanation and "dL/dW3 = h2^T @ g" in mm3.explanation
    w3 = next(n for n in graph.nodes if n.label == "W3")
    assert "(10, 10)" in w3.explanation and "W3.grad" in w3.explanation
    assert graph.nodes[0].explanation.startswith("L (1, 1), the output")


def test_every_hand_written_step_has_its_nodes(run, graph):
    for step in run.steps:
        found = nodes_for_step(graph, step)
        assert found, f"no node for step {step.symbol}"
        for node in found:
            if node.kind != "saved":  # layer k+1's mm saves h_k
                assert node.layer == step.layer or step.tag in ("loss", "grad_y_pred")
    grad_w3 = next(s for s in run.steps if s.tag == "grad_W" and s.layer == 3)
    labels = {(n.label, n.layer) for n in nodes_for_step(graph, grad_w3)}
    assert labels == {("MmBackward0", 3), ("AccumulateGrad", 3)}
