"""The graph of any scalar, or of a run's loss: numbered boxes, records, DOT and SVG."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from backprop.files import GRAPH_FILES
from backprop.graph.annotate import Hints, annotate
from backprop.graph.capture import module_of
from backprop.graph.draw import (
    MAX_DRAWN_BOXES,
    MISSING_DOT,
    render_svg,
    with_magnitudes,
    with_wire_labels,
    write_dot,
)
from backprop.graph.excerpt import excerpt_dot
from backprop.graph.measure import measure
from backprop.graph.network import (
    RunHints,
    output_wires,
    run_values,
    with_forward_lines,
)
from backprop.graph.pages import page_dots, pages_html
from backprop.graph.records import (
    Graph,
    GraphError,
    Layout,
    Namer,
    NodeRecord,
    Unavailable,
    number_boxes,
)
from backprop.graph.values import npz_bytes
from backprop.layers import omitted_layers
from backprop.steps import Step

if TYPE_CHECKING:  # backprop.run builds its graph with this module
    from backprop.run import Run


def graph_of(output: torch.Tensor, params: Mapping[str, torch.Tensor], *, name: str = "L",
             values: Mapping[str, torch.Tensor] | None = None, hints: Hints | None = None,
             render: bool = True, made: Mapping[int, torch.Tensor] | None = None,
             files: tuple[str, ...] = (), modules: Mapping[int, str] | None = None) -> Graph:
    """Number, explain, verify and draw the autograd graph of the one-element tensor `output`.

    `params` names the leaves (W1, b1, ...); `values` names other forward tensors, so a
    saved tensor can be called h2 rather than "a tensor"; `made` maps id(node) to the
    tensor it created; `files` are the user's files (for the line creating each node);
    `modules` maps id(module or parameter) to its module's name; `render=False` skips
    Graphviz.
    """
    check_output(output, name)
    params = {k: v for k, v in params.items() if torch.is_tensor(v)}
    layout = number_boxes(output)
    namer = Namer({**params, **(values or {})})
    records = annotate(layout, namer, hints or Hints(), params, name)
    created = dict(made or {})
    for tensor in (*(values or {}).values(), output):
        if torch.is_tensor(tensor) and tensor.grad_fn is not None:
            created.setdefault(id(tensor.grad_fn), tensor)
    measured = measure(layout, records, created, files)
    records = measured.records
    if modules:
        records = tuple(dataclasses.replace(r, module=_module(layout, r, dict(modules)))
                        for r in records)
    extra = {"nonfinite": measured.nonfinite, "nonfinite_node": measured.nonfinite_node,
             "arrays": measured.arrays}
    dot = write_dot(layout, records, output, params, show_saved=False)
    # torchviz reads every saved value for the saved view: one it cannot read stops it.
    lost = [f"the value `{attr}` that #{box.number} {type(box.obj).__name__} saved for "
            f"backward was {value.why}"
            for box in layout.boxes for attr, value in box.saved
            if isinstance(value, Unavailable)]
    broken = [text for text in lost if "modified in place" in text]
    dot_saved = None if lost else write_dot(layout, records, output, params, show_saved=True)
    broken_text = f"{broken[0]} (the saved-tensor view is not drawn)" if broken else None
    graph = Graph(records, dot, None, None, None, dot_saved, broken_text,
                  lost[0] if lost else None, **extra)
    return draw(graph) if render else graph


def _module(layout: Layout, record: NodeRecord, names: dict[int, str]) -> str | None:
    """The module a box belongs to: its node's, a leaf's own, a saved tensor's owner's."""
    box = layout.box(record.number)
    if box.kind == "leaf":
        return names.get(id(box.obj)) or None
    if box.kind == "saved" and box.saved_by:
        return module_of(layout.box(box.saved_by[0]).obj, names)
    return module_of(box.obj, names) if box.kind in ("backward", "accumulate") else None


def draw(graph: Graph, layers: int | None = None) -> Graph:
    """`graph` with its two views drawn as SVG by Graphviz, and a note on any not drawn.

    `layers`, a network's number of layers, also draws the excerpt of a deep network:
    the loss, the first and last layers, a ⋮ box for the rest (backprop.graph.excerpt).
    """
    main = sum(node.kind != "saved" for node in graph.nodes)
    svg = render_svg(graph.dot) if main <= MAX_DRAWN_BOXES else None
    svg_saved = None
    if svg is not None and graph.dot_saved is not None and len(graph.nodes) <= MAX_DRAWN_BOXES:
        svg_saved = render_svg(graph.dot_saved)
    note = None
    if main > MAX_DRAWN_BOXES:
        note = (f"The graph has {main:,} boxes, more than the {MAX_DRAWN_BOXES:,} "
                f"drawn as SVG, so no SVG was drawn (graph.dot and graph.json were still "
                f"written)")
    elif svg is None:
        note = MISSING_DOT
    elif graph.lost:
        keep = "; backward(retain_graph=True) keeps them" if "freed" in graph.lost else ""
        note = f"The saved-tensor view is not drawn: {graph.lost}{keep}"
    elif svg_saved is None:
        note = (f"The saved-tensor view has {len(graph.nodes):,} boxes, more than the "
                f"{MAX_DRAWN_BOXES:,} drawn as SVG, so only graph-saved.dot was written")
    svg_excerpt, excerpt, pages = None, None, None
    if svg is not None and layers is not None:
        drawn = [node.layer for node in graph.nodes if node.kind != "saved"]
        dot = excerpt_dot(graph.dot, drawn, layers)
        if dot is not None:
            svg_excerpt, excerpt = render_svg(dot), omitted_layers(layers)
    if svg is not None:
        dots = page_dots(graph.dot, graph.nodes)
        pages_drawn = {name: render_svg(dot) for name, dot in dots.items()}
        pages = pages_html({k: v for k, v in pages_drawn.items() if v}) if pages_drawn else None
    return dataclasses.replace(graph, svg=svg, svg_saved=svg_saved, note=note,
                               svg_excerpt=svg_excerpt, excerpt=excerpt, modules_html=pages)


def with_values(graph: Graph) -> Graph:
    """`graph` (not yet drawn) with |g| written on each box of both views."""
    saved = graph.dot_saved and with_magnitudes(graph.dot_saved, graph.nodes)
    return dataclasses.replace(graph, dot=with_magnitudes(graph.dot, graph.nodes),
                               dot_saved=saved)


def check_output(output: object, name: str) -> None:
    """Raise GraphError unless `output` is a one-element tensor with an autograd graph."""
    if not torch.is_tensor(output):
        raise GraphError(f"{name} is a {type(output).__name__}, not a tensor")
    if output.grad_fn is None:
        why = ("it is a leaf that requires grad, made by no operation" if output.requires_grad
               else "it was computed without any tensor that requires grad, or detached")
        raise GraphError(f"{name} has no autograd graph: {why}")
    if output.numel() != 1:
        raise GraphError(f"{name} has shape {tuple(output.shape)}, but a graph is drawn from "
                         f"a scalar (one value); reduce it first, e.g. {name}.sum()")


def graph_of_run(run: Run, render: bool = True) -> Graph:
    """The graph of a run's loss (run.graph, not recomputed), with the hand-written steps,
    each node's line of build_graph, and the output layer's wires labelled with gradients."""
    graph = graph_of(run.graph.loss, run.graph.params, name="L", values=run_values(run),
                     hints=RunHints(run), render=False)
    nodes = with_forward_lines(graph.nodes)
    wires = output_wires(nodes, run.config.layers)
    graph = dataclasses.replace(graph, nodes=nodes, wires=wires,
                                dot=with_wire_labels(graph.dot, wires))
    return draw(graph) if render else graph


def nodes_for_step(graph: Graph, step: Step) -> tuple[NodeRecord, ...]:
    """The boxes computing the same quantity as a hand-written step."""
    return tuple(n for n in graph.nodes if (step.tag, step.layer) in n.steps)


def graph_json(graph: Graph) -> str:
    """graph.json: every node record, in number order, as stable JSON."""
    record = {"format": "backprop-lab graph 1",
              "kinds": {"output": "green", "backward": "gray", "accumulate": "gray",
                        "leaf": "blue", "saved": "orange (saved view only)"},
              "nodes": [asdict(node) for node in graph.nodes]}
    return json.dumps(record, indent=1, ensure_ascii=False) + "\n"


def write_graph_files(graph: Graph, folder: str | Path) -> dict[str, Path]:
    """Write graph.svg (when drawn), graph.dot, graph.json, the saved view's files,
    graph-values.npz (the small tensors whole) and graph-modules.html (a page per
    top-level module, for a model's graph), graph-full.* (every box, when graph.svg draws
    modules collapsed), all together; a file not drawn this time
    is removed, never left from an older run."""
    from backprop.files import atomic_write, prepare_folder, staging

    folder = prepare_folder(folder)
    arrays = npz_bytes(graph.arrays) if graph.arrays else None
    texts = (graph.svg, graph.dot, graph_json(graph), graph.svg_saved, graph.dot_saved, arrays,
             graph.modules_html, graph.svg_full, graph.dot_full)
    drawn = {name: text for name, text in zip(GRAPH_FILES, texts, strict=True)
             if text is not None}
    with staging(folder, GRAPH_FILES) as stage:
        for name, text in drawn.items():
            atomic_write(stage / name, text)
    return {name: folder / name for name in drawn}
