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
import sys
import threading
import warnings
from collections import defaultdict
from collections.abc import Callable
from types import ModuleType
from typing import TypeVar

import graphviz
import torch

from backprop.graph.clusters import clusters, stacking
from backprop.graph.records import GraphError, Layout, NodeRecord, Wire, shape_text
from backprop.graph.values import magnitude


def _import_torchviz() -> ModuleType:
    """torchviz, whose dot.py imports distutils.version for one LooseVersion. Where
    setuptools has put its stand-in for distutils first on sys.meta_path (its
    _distutils_hack), that import loads all of setuptools: 0.13 s of every build. Python
    3.11's own distutils has the same LooseVersion and loads in milliseconds; Python 3.12
    has none, and the stand-in is then what torchviz needs."""
    stand_in = [f for f in sys.meta_path if type(f).__module__ == "_distutils_hack"]
    if not stand_in or "distutils" in sys.modules or sys.version_info >= (3, 12):
        import torchviz
        return torchviz
    sys.meta_path.remove(stand_in[0])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)   # "distutils is deprecated"
            import torchviz
    finally:
        sys.meta_path.insert(0, stand_in[0])
    return torchviz


torchviz = _import_torchviz()
GRAPHVIZ = "graphviz"  # the Debian package with `dot`
# torchviz's colours, each explained when a box of that colour is drawn.
LEGEND = (("lightblue", "leaf tensor that requires grad: a parameter"),
          ("lightgrey", "backward function (the grad_fn of a tensor)"),
          ("darkolivegreen1", "the output: backward() starts here"),
          ("darkolivegreen3", "the tensor the output is a view of (dotted edge)"),
          ("orange", "saved tensor (kept for the backward pass)"))
MAX_DRAWN_BOXES = 20_000  # Graphviz's dot crashed (malloc) on a 100,000-box chain here
# Graph-wide layout: tight ranks, large type; measured to give ~7 pt text on an A4 page.
GRAPH_ATTRS = 'ranksep=0.13 nodesep=0.08 margin=0 pad=0.05 newrank=true'
NODE_ATTRS = ('style=filled shape=box fontname="DejaVu Sans Mono" fontsize=12 height=0.22 '
              'margin="0.04,0.015" penwidth=0.6')
EDGE_ATTRS = 'arrowsize=0.5 penwidth=0.7'

_NODE = re.compile(r"^\t(\d+) \[(.*)\]\n?$", re.S)
_EDGE = re.compile(r"^\t(\d+) -> (\d+)(?: \[(.*)\])?\n?$", re.S)
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"\]]+)')
T = TypeVar("T")


def torchviz_statements(output: torch.Tensor, params: dict[str, torch.Tensor],
                        show_saved: bool, depth: int = 0
                        ) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """make_dot's boxes {id: attrs} and edges [(tail, head, attrs)], in its order.

    `depth` bounds the longest path from the output (the number of boxes will do):
    make_dot recurses once per box along a path.
    """
    def make_dot() -> graphviz.Digraph:
        with warnings.catch_warnings():  # torchviz 0.0.3 compares versions with distutils
            warnings.simplefilter("ignore", DeprecationWarning)
            return torchviz.make_dot(output, params=params, show_saved=show_saved)

    dot = make_dot() if depth < SHALLOW else call_deep(make_dot, depth)
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


SHALLOW = 500  # paths shorter than this fit in Python's default recursion limit (1000)


def call_deep(call: Callable[[], T], depth: int) -> T:
    """call() with room for `depth` nested Python calls, without touching our own stack.

    A fresh thread with a large stack runs it under a recursion limit raised for the
    duration, so a long chain (3000 operations) draws instead of raising RecursionError.
    """
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as err:  # handed to the caller's thread below
            failure.append(err)

    limit, stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(limit, depth + 1000))
    threading.stack_size(min(64 * 2**20 + depth * 2048, 512 * 2**20))  # 3.10 needs C stack
    try:
        worker = threading.Thread(target=run, name="torchviz")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(stack)
        sys.setrecursionlimit(limit)
    if failure:
        raise failure[0]
    return result[0]


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
    nodes, edges = torchviz_statements(output, params, show_saved, depth=len(layout.boxes))
    mapping = number_map(layout, nodes, edges, show_saved)
    drawn = sorted(set(mapping.values()))
    lines = ["digraph autograd {", f"\tgraph [{GRAPH_ATTRS}]", f"\tnode [{NODE_ATTRS}]",
             f"\tedge [{EDGE_ATTRS}]"]
    colours = {mapping[i]: attrs.get("fillcolor") for i, attrs in nodes.items()}
    spine = _spine(layout)
    boxes: dict[int, str] = {}
    for number in drawn:
        record, box = records[number - 1], layout.box(number)
        shape = tuple(box.obj.shape) if torch.is_tensor(box.obj) else None
        fill = f" fillcolor={colours[number]}" if colours[number] else ""
        fill += " group=spine" if number in spine else ""
        label = box_label(record, shape).replace('"', r"\"")
        boxes[number] = f'n{number} [label="{label}"{fill}]'
    lines += clusters(boxes, records)
    for tail, head, attrs in edges:
        if attrs.get("dir") == "none" and layout.box(mapping[head]).kind == "leaf":
            attrs = {**attrs, "constraint": "false"}  # a saved leaf keeps the leaf's rank
        extra = " ".join(f"{k}={v}" for k, v in attrs.items())
        lines.append(f"\tn{mapping[tail]} -> n{mapping[head]}" + (f" [{extra}]" if extra else ""))
    pairs = [(mapping[tail], mapping[head]) for tail, head, _ in edges]
    lines += [f"\tn{a} -> n{b} [style=invis]" for a, b in stacking(pairs, records)]
    lines += _legend(set(colours.values()))
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


def _legend(colours: set[str | None]) -> list[str]:
    """The legend: how to read the numbers and arrows, and each colour that is drawn."""
    rows = [f'<TR><TD BGCOLOR="{colour}" ALIGN="LEFT">{text}</TD></TR>'
            for colour, text in LEGEND if colour in colours or colour == "lightgrey"]
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


_LABEL = re.compile(r'^(\t+n(\d+) \[label=")((?:[^"\\]|\\.)*)(")', re.M)


def with_magnitudes(dot: str, records: tuple[NodeRecord, ...]) -> str:
    """The DOT with |g|, the norm of the gradient each box received, under its label."""
    received = {r.number: r.values.received[0] for r in records
                if r.values is not None and r.values.received}
    for record in records:  # a leaf shows its .grad: what its AccumulateGrad received
        if record.kind == "leaf":
            sink = next((received[n] for n in record.outputs if n in received), None)
            if sink is not None:
                received[record.number] = sink

    def add(match: re.Match) -> str:
        text = magnitude(received.get(int(match[2])))
        return match[0] if not text else f"{match[1]}{match[3]}\\n{text}{match[4]}"

    return _LABEL.sub(add, dot)


_WIRE = re.compile(r"^\tn(\d+) -> n(\d+)(?: \[(.*)\])?$", re.M)
# An edge `label` makes dot double every rank of the graph (the default figure grew by a
# third, its text under 6.5 pt); an `xlabel` is placed after layout, so a labelled wire is
# stretched over three ranks instead, to give its number room beside the line.
WIRE_ATTRS = 'minlen=3 fontname="DejaVu Sans Mono" fontsize=12 fontcolor="#1f5fa8"'


def with_wire_labels(dot: str, wires: tuple[Wire, ...]) -> str:
    """The DOT with each wire's gradient written beside its edge, as CS231n writes them."""
    texts = {(w.tail, w.head): w.text.replace('"', r"\"") for w in wires}

    def add(match: re.Match) -> str:
        text = texts.get((int(match[1]), int(match[2])))
        if text is None or "invis" in (match[3] or ""):
            return match[0]
        attrs = " ".join(filter(None, (match[3], f'xlabel=" {text}" {WIRE_ATTRS}')))
        return f"\tn{match[1]} -> n{match[2]} [{attrs}]"

    return _WIRE.sub(add, dot)
