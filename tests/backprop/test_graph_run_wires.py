"""The run's own graph: each node's line of backprop/autograd.py, the gradients written on
the output layer's wires, and the sentence counting the verified marks."""

from __future__ import annotations

import dataclasses
import html
import inspect
import math
import re
from collections import Counter

import pytest
import torch

from backprop import autograd
from backprop.config import RunConfig
from backprop.graph import draw
from backprop.graph.network import wire_text
from backprop.graph.tally import verified_sentence
from backprop.graph.values import summary
from backprop.run import compute_run

# Which piece of build_graph's code makes each kind of node: an independent reading of it.
MADE_BY = {"MmBackward0": " @ ", "AddBackward0": " + ", "ReluBackward0": "torch.relu(",
           "SubBackward0": " - ", "PowBackward0": ".pow(2)", "SumBackward0": ".sum()"}


@pytest.fixture(scope="module")
def default_run():
    return compute_run(RunConfig(), fd=False)


@pytest.mark.parametrize("config", [RunConfig(), RunConfig(K=2, d=3, batch=4)])
def test_every_backward_node_names_the_line_anomaly_mode_records_for_it(config) -> None:
    from backprop.graph.records import number_boxes
    from backprop.problem import make_problem

    run = compute_run(config, fd=False)
    # An independent witness: the same forward under anomaly mode keeps each node's stack.
    with torch.autograd.set_detect_anomaly(True, check_nan=False):
        graph, _, _ = autograd.build_graph(make_problem(config))
    boxes = number_boxes(graph.loss).boxes
    lines, first = inspect.getsourcelines(autograd.build_graph)
    text = {first + i: line.strip() for i, line in enumerate(lines)}
    backward = [n for n in run.records.nodes if n.kind == "backward"]
    assert len(backward) == 3 * (config.K + 1) + 2 + (config.batch > 1)
    for node in backward:
        frames = re.findall(r'File "([^"]+)", line (\d+)', "".join(
            boxes[node.number - 1].obj.metadata["traceback_"]))
        line = int([n for file, n in frames if file == autograd.__file__][-1])
        assert node.source is not None, node.label
        assert (node.source.file, node.source.line) == ("backprop/autograd.py", line)
        assert node.source.code == text[line]                # the very line, as it reads
        assert MADE_BY[node.label] in node.source.code, (node.label, node.source.code)
    # Nodes with no forward call behind them have no line.
    assert all(n.source is None for n in run.records.nodes if n.kind != "backward")


def test_the_run_graph_is_deterministic_and_free_of_this_machines_paths(default_run) -> None:
    from backprop.graph import graph_json

    again = compute_run(RunConfig(), fd=False)
    assert graph_json(again.records) == graph_json(default_run.records)
    assert str(autograd.__file__) not in graph_json(default_run.records)


def wire_labels(svg: str) -> dict[tuple[int, int], str]:
    """{(tail, head): label} of every labelled edge of Graphviz's SVG."""
    found = {}
    for title, body in re.findall(r'<g id="edge\d+" class="edge">\s*<title>(.*?)</title>(.*?)</g>',
                                  svg, re.S):
        texts = re.findall(r"<text[^>]*>(.*?)</text>", body)
        ends = re.fullmatch(r"n(\d+)->n(\d+)", html.unescape(title))
        if texts:
            assert ends, title                      # only boxes' wires carry a label
            found[(int(ends[1]), int(ends[2]))] = html.unescape(" ".join(texts)).strip()
    return found


def test_the_drawn_wires_carry_the_records_values_and_the_passes_gradients(default_run) -> None:
    graph = draw(default_run.records, layers=default_run.config.layers)
    labels = wire_labels(graph.svg)
    by_number = {n.number: n for n in graph.nodes}
    # Default graph: #3 Sub -> #4 ReLU -> #5 add -> #6 product and #7 b11's AccumulateGrad;
    # #6 sends to #8 (layer 10's ReLU) and #9 (W11's AccumulateGrad).
    assert set(labels) == {(4, 3), (5, 4), (6, 5), (7, 5), (8, 6), (9, 6)}
    for (tail, head), label in labels.items():
        sender = by_number[head]
        slot = [i for i in sender.inputs].index(tail)
        sent = [s for s in sender.values.sent if s is not None][slot]
        assert label == wire_text(sent)                              # the record's value
        assert by_number[tail].values.received[0] == sent            # what the next one got
    # The same numbers, read off the reference pass's own retained gradients.
    trace, n = default_run.autograd, default_run.config.layers
    assert labels[(4, 3)] == f"{trace.grad_h[n - 1].item():.4e}"     # dL/dy_pred
    assert labels[(5, 4)] == labels[(6, 5)] == labels[(7, 5)] == f"{trace.delta[n - 1].item():.4e}"
    assert labels[(8, 6)] == f"|g|={trace.grad_h[n - 2].norm().item():.2e} (1, 10)"
    assert labels[(9, 6)] == f"|g|={trace.grad_W[n - 1].norm().item():.2e} (10, 1)"
    # Only those wires: every other edge of the drawing is bare.
    assert len(labels) == len(graph.wires) == 6


def test_a_deep_networks_excerpt_keeps_the_output_layers_wires() -> None:
    run = compute_run(RunConfig(K=40, d=32, init="kaiming", seed=0), fd=False)
    graph = draw(run.records, layers=run.config.layers)
    labels = wire_labels(graph.svg_excerpt)
    assert {(w.tail, w.head): w.text for w in graph.wires} == labels
    assert len(labels) == 6


@pytest.mark.parametrize(("values", "text"), [
    ([12496.3203125], "1.2496e+04"), ([-0.0], "0.0000e+00"), ([math.nan], "nan"),
    ([3.0, 4.0], "|g|=5.00e+00 (1, 2)"), ([math.inf, 1.0], "|g|=1.00e+00 nan/inf! (1, 2)"),
    ([math.inf, math.nan], "|g|=nan/inf (1, 2)"),
])
def test_a_wire_says_a_single_value_or_a_norm_and_a_shape(values, text) -> None:
    assert wire_text(summary(torch.tensor([values]))) == text


def test_the_count_of_verified_marks_is_the_records(default_run) -> None:
    nodes = default_run.records.nodes
    marked = Counter(n.verified for n in nodes if n.verified)
    assert marked == {"exact": 80}                          # the default network: all exact
    assert default_run.records.verified_text == ("All 80 formulas verified exact on this "
                                                 "run's gradients.")
    forced = list(nodes)
    forced[8] = dataclasses.replace(forced[8], verified="FAILED", error=0.5, why="input 0")
    forced[3] = dataclasses.replace(forced[3], verified="close", error=2.5e-7)
    forced[4] = dataclasses.replace(forced[4], verified="not checkable", error=None, why="x")
    assert verified_sentence(forced) == ("Of the 80 formulas checked on this run's gradients, "
                                         "77 exact, 1 close (largest relative error 2.5e-07), "
                                         "1 FAILED (#9) and 1 not checkable.")
    assert verified_sentence([n for n in nodes if not n.verified]) == ""   # saved tensors only
