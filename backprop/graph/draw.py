"""Draw the graph: torchviz's boxes and colours, our numbers and layout, Graphviz's SVG.

torchviz names its boxes by id(), which changes from run to run. We let make_dot draw,
map each of its boxes back to our numbered boxes (they hold the very same objects), and
write the DOT again with boxes `n<number>`, labels `#<number> ...`, a legend and a layout
that fits one A4 page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from collections import defaultdict
from itertools import pairwise

import torch
import torchviz

from backprop.graph.records import GraphError, Layout, NodeRecord, shape_text

GRAPHVIZ = "graphviz"  # the Debian package with `dot`
LEGEND = (("lightblue", "leaf tensor that requires grad: a parameter"),
          ("lightgrey", "backward function (the grad_fn of a tensor)"),
          ("darkolivegreen1", "the output: backward() starts here"),
          ("orange", "saved tensor (kept for the backward pass)"))
# Graph-wide layout: tight ranks, large type; measured to give ~7 pt text on an A4 page.
GRAPH_ATTRS = 'ranksep=0.13 nodesep=0.08 margin=0 pad=0.05 newrank=true'
NODE_ATTRS = ('style=filled shape=box fontname="DejaVu Sans Mono" fontsize=12 height=0.22 '
              'margin="0.04,0.015" penwidth=0.6')
RULER_ATTRS = 'shape=plaintext style="" fontname="DejaVu Sans" fontcolor=gray35 group=ruler'
EDGE_ATTRS = 'arrowsize=0.5 penwidth=0.7'

_NODE = re.compile(r"^\t(\d+) \[(.*)\]\n?$", re.S)
_EDGE = re.compile(r"^\t(\d+) -> (\d+)(?: \[(.*)\])?\n?$", re.S)
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"\]]+)')


def torchviz_statements(output: torch.Tensor, params: dict[str, torch.Tensor],
                        show_saved: bool) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """make_dot's boxes {id: attrs} and edges [(tail, head, attrs)], in its order."""
    with warnings.catch_warnings():  # torchviz 0.0.3 compares versions with distutils
        warnings.simplefilter("ignore", DeprecationWarning)
        dot = torchviz.make_dot(output, params=params, show_saved=show_saved)
    nodes: dict[str, dict] = {}
    edges: list[tuple[str, str, dict]] = []
    for statement in dot.body:
        if match := _EDGE.match(statement):
            edges.append((match[1], match[2], dict(_ATTR.findall(match[3] or ""))))
        elif match := _NODE.match(statement):
            nodes.setdefault(match[1], {}).update(_ATTR.findall(match[2]))
        else:
            raise RuntimeError(f"unexpected torchviz statement {statement!r}")
    return nodes, edges


def number_map(layout: Layout, nodes: dict[str, dict], edges: list[tuple[str, str, dict]],
               show_saved: bool) -> dict[str, int]:
    """torchviz's box id -> our box number, for every box make_dot drew."""
    known = {str(id(box.obj)): box.number for box in layout.boxes}
    fns = {str(id(b.obj)) for b in layout.boxes if b.kind in ("backward", "accumulate")}
    attached: dict[str, list[str]] = defaultdict(list)  # fn id -> its saved boxes' ids
    for tail, head, attrs in edges:
        if attrs.get("dir") == "none":
            fn, other = (tail, head) if tail in fns else (head, tail)
            attached[fn].append(other)
    mapping: dict[str, int] = {}
    for box in layout.boxes:
        if box.kind not in ("backward", "accumulate"):
            continue
        # make_dot draws a node's `_saved_*` tensors first, custom Functions' last.
        expected = [n for _, n, custom in box.saved_boxes if show_saved and not custom]
        expected += [n for _, n, custom in box.saved_boxes if custom]
        drawn = attached.get(str(id(box.obj)), [])
        if len(drawn) != len(expected):
            raise RuntimeError(f"box #{box.number}: torchviz drew {len(drawn)} saved "
                               f"tensors, the records have {len(expected)}")
        mapping.update(zip(drawn, expected, strict=True))
    for node_id in nodes:
        number = known.get(node_id, mapping.get(node_id))
        if number is None or mapping.get(node_id, number) != number:
            raise RuntimeError(f"torchviz drew a box ({nodes[node_id].get('label')}) "
                               "that matches no record")
        mapping[node_id] = number
    return mapping


def box_label(record: NodeRecord, shape: tuple[int, ...] | None) -> str:
    """The text in a box: its number first, then what torchviz would write."""
    text = f"#{record.number} {record.label}"
    if record.kind == "saved":
        text += f" = {record.saved[0].meaning.replace('the output of', 'output of')}"
    if shape is not None:
        text += " " + shape_text(shape)
    return text


def write_dot(layout: Layout, records: tuple[NodeRecord, ...], output: torch.Tensor,
              params: dict[str, torch.Tensor], show_saved: bool) -> str:
    """The DOT source of one view: torchviz's drawing, renumbered and laid out."""
    nodes, edges = torchviz_statements(output, params, show_saved)
    mapping = number_map(layout, nodes, edges, show_saved)
    drawn = sorted(set(mapping.values()))
    lines = ["digraph autograd {", f"\tgraph [{GRAPH_ATTRS}]", f"\tnode [{NODE_ATTRS}]",
             f"\tedge [{EDGE_ATTRS}]"]
    by_layer: dict[int | None, list[int]] = defaultdict(list)
    colours = {mapping[i]: attrs.get("fillcolor") for i, attrs in nodes.items()}
    spine = _spine(layout)
    for number in drawn:
        record, box = records[number - 1], layout.box(number)
        shape = tuple(box.obj.shape) if torch.is_tensor(box.obj) else None
        fill = f" fillcolor={colours[number]}" if colours[number] else ""
        fill += " group=spine" if number in spine else ""
        label = box_label(record, shape).replace('"', r"\"")
        lines.append(f'\tn{number} [label="{label}"{fill}]')
        by_layer[record.layer].append(number)
    lines += _layer_ruler(by_layer, spine)
    for tail, head, attrs in edges:
        if attrs.get("dir") == "none" and layout.box(mapping[head]).kind == "leaf":
            attrs = {**attrs, "constraint": "false"}  # a saved leaf keeps the leaf's rank
        extra = " ".join(f"{k}={v}" for k, v in attrs.items())
        lines.append(f"\tn{mapping[tail]} -> n{mapping[head]}" + (f" [{extra}]" if extra else ""))
    lines += _legend(show_saved or any(r.kind == "saved" for r in records[: layout.main]))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _spine(layout: Layout) -> set[int]:
    """The output and the chain of first inputs below it: drawn as one straight column."""
    spine, number = set(), 1
    while number is not None and number not in spine:
        spine.add(number)
        box = layout.box(number)
        number = next((c for c in box.children if c is not None), None)
        if number is not None and layout.box(number).kind not in ("backward", "output"):
            break
    return spine


def _layer_ruler(by_layer: dict[int | None, list[int]], spine: set[int]) -> list[str]:
    """A 'layer k' mark level with the middle of each layer's column, left of the graph."""
    lines, marks = [], []
    for layer in sorted(k for k in by_layer if k is not None):
        column = [n for n in by_layer[layer] if n in spine]
        if column:
            middle = column[len(column) // 2]
            marks.append(f"layer{layer}")
            lines.append(f'\tlayer{layer} [label="layer {layer}" {RULER_ATTRS}]')
            lines.append(f"\t{{ rank=same; layer{layer}; n{middle} }}")
    lines += [f"\t{a} -> {b} [style=invis]" for a, b in pairwise(marks)]
    return lines


def _legend(saved: bool) -> list[str]:
    rows = [f'<TR><TD BGCOLOR="{colour}" ALIGN="LEFT">{text}</TD></TR>'
            for colour, text in LEGEND if saved or colour != "orange"]
    return ['\tlegend [shape=plaintext style="" margin=0 label=<<TABLE BORDER="0" '
            'CELLBORDER="1" CELLSPACING="0" CELLPADDING="2"><TR><TD ALIGN="LEFT"><B>#N: node '
            'number, breadth-first from the output</B></TD></TR><TR><TD ALIGN="LEFT">arrows: '
            'the forward pass; gradients flow against them</TD></TR>' + "".join(rows)
            + "</TABLE>>]"]


def render_svg(dot: str) -> str | None:
    """SVG from DOT by Graphviz's `dot`; None when `dot` is not installed."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, "-Tsvg"], input=dot.encode(), capture_output=True,
                              timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise GraphError(f"Graphviz's dot could not render the graph ({err})") from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise GraphError(f"Graphviz's dot failed: {reason[0] if reason else done.returncode}")
    return done.stdout.decode()


MISSING_DOT = (f"Graphviz's `dot` is not installed, so no SVG was drawn (graph.dot and "
               f"graph.json were still written); install the {GRAPHVIZ} package "
               f"(Debian: apt-get install {GRAPHVIZ})")
