"""The explanations are true: what each node outputs during backward() is, bit for bit,
the hand-written quantity its record names."""

from __future__ import annotations

import pytest
import torch
from graph_walk import objects_by_number
from support import same_bits

from backprop.config import RunConfig
from backprop.graph import graph_of_run
from backprop.run import compute_run

HOOKED = ("MmBackward0", "AddBackward0", "ReluBackward0", "SubBackward0", "PowBackward0")
BACKWARD_TAGS = ("grad_y_pred", "delta", "grad_W", "grad_b", "grad_h")
CONFIGS = [RunConfig(), RunConfig(K=4, batch=3, seed=5), RunConfig(K=3, dtype="float64")]


def hand_written(run, tag: str, k: int):
    """The hand-written pass's value of step (tag, k)."""
    trace = run.manual
    if tag == "grad_h":  # step grad_h of layer k is dL/dh_{k-1}
        return trace.grad_h[k - 2]
    if tag == "grad_y_pred":
        return trace.grad_y_pred
    return getattr(trace, tag)[k - 1]


def node_outputs(run, graph) -> dict[int, tuple]:
    """number -> the gradients the node returned (its grad_inputs), by node hooks."""
    objects = objects_by_number(graph, run.graph.loss)
    seen: dict[int, tuple] = {}
    handles = []
    for node in graph.nodes:
        if node.label in HOOKED:
            def hook(grad_inputs, grad_outputs, number=node.number):
                seen[number] = grad_inputs
            handles.append(objects[node.number].register_hook(hook))
    try:  # autograd.grad leaves the parameters' .grad alone
        torch.autograd.grad(run.graph.loss.sum(), list(run.graph.params.values()),
                            retain_graph=True)
    finally:
        for handle in handles:
            handle.remove()
    return seen


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c.describe())
def test_node_outputs_are_the_hand_written_quantities(config):
    run = compute_run(config)
    graph = graph_of_run(run, render=False)
    seen = node_outputs(run, graph)
    hooked = [n for n in graph.nodes if n.label in HOOKED]
    assert len(seen) == len(hooked) and len(hooked) >= 3 * config.layers + 2
    for node in hooked:
        named = [key for key in node.steps if key[0] in BACKWARD_TAGS]
        assert named, f"#{node.number} {node.label} names no hand-written step"
        matched = set()
        for gradient in seen[node.number]:
            if gradient is None:
                continue
            hits = {key for key in named if same_bits(gradient, hand_written(run, *key))}
            assert hits, f"#{node.number} {node.label} outputs a gradient no step it names has"
            matched |= hits
        assert matched == set(named), f"#{node.number} {node.label}: {set(named) - matched}"


@pytest.mark.parametrize("config", CONFIGS[:2], ids=lambda c: c.describe())
def test_each_output_goes_where_the_record_says(config):
    run = compute_run(config)
    graph = graph_of_run(run, render=False)
    seen = node_outputs(run, graph)
    for node in graph.nodes:
        k = node.layer
        if node.label == "MmBackward0":  # slot 0: dL/dh_{k-1} (none for x), slot 1: dL/dW_k
            to_h, to_w = seen[node.number]
            assert same_bits(to_w, run.manual.grad_W[k - 1])
            assert to_h is None if k == 1 else same_bits(to_h, run.manual.grad_h[k - 2])
            assert f"dL/dW{k} = " in node.explanation
        if node.label == "AddBackward0":  # slot 0: delta_k on to the mm, slot 1: dL/db_k
            to_mm, to_b = seen[node.number]
            assert same_bits(to_mm, run.manual.delta[k - 1])
            assert same_bits(to_b, run.manual.grad_b[k - 1])
        if node.label == "ReluBackward0":
            (delta,) = seen[node.number]
            assert same_bits(delta, run.manual.delta[k - 1])
