"""Number every box of an autograd graph, breadth-first from the output, and record it.

The numbering depends only on the graph's shape: start at the output, then its grad_fn,
then each node's `next_functions` in order (an AccumulateGrad's leaf first), breadth
first. Saved tensors (the orange boxes of the saved view) come after every other box.
Python's id() is used only while the graph is alive, to recognise objects; it never
reaches a record.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

import torch

from backprop.errors import UserError
from backprop.graph.source import SourceLine
from backprop.graph.tally import verified_sentence
from backprop.graph.values import NodeValues

SAVED_PREFIX = "_saved_"  # torch exposes a node's saved values as attributes named so


class GraphError(UserError):
    """A graph that cannot be drawn: a failing script, no such variable, no graph; one sentence."""


@dataclass(frozen=True)
class SavedValue:
    """One value a backward node keeps from the forward pass, and what it is."""

    name: str                       # "self", "mat2", "result", "exponent", ...
    shape: tuple[int, ...] | None   # None for a non-tensor (e.g. an exponent)
    meaning: str                    # which forward value it is: "h2", "W3", "x", "2"


@dataclass(frozen=True)
class NodeRecord:
    """One drawn box: its number, what it is, where gradients flow, and what it does."""

    number: int                     # 1, 2, ... breadth-first from the output
    kind: str                       # "output" | "backward" | "accumulate" | "leaf" | "saved"
    label: str                      # "MmBackward0", "AccumulateGrad", "W3", "L", "self", ...
    layer: int | None               # 1..K+1; None for the loss's nodes and user scripts
    inputs: tuple[int, ...]         # nodes this one's gradient flows to (towards the leaves)
    outputs: tuple[int, ...]        # nodes whose gradient flows into this one
    saved: tuple[SavedValue, ...]   # a node's saved values; a saved box's own value
    explanation: str                # plain sentences for a student
    formula: str                    # its backward computation, plain text
    steps: tuple[tuple[str, int | None], ...]  # (tag, layer) of the hand-written steps
    saved_by: tuple[int, ...] = ()  # backward nodes keeping this tensor for their backward
    verified: str = ""              # exact | close | FAILED | not checkable; "" saved tensors
    error: float | None = None      # the max relative error of a close or FAILED check
    why: str = ""                   # what FAILED, or why the check cannot be made
    ran: int | None = None          # its place in the real execution order: 1 ran first
    source: SourceLine | None = None  # the line of the user's code that created it
    values: NodeValues | None = None  # its forward value, the gradients received and sent
    module: str | None = None       # the nn.Module that created it, as named_modules names it


@dataclass(frozen=True)
class Graph:
    """The numbered, explained graph of one scalar, drawn as DOT and (with Graphviz) SVG."""

    nodes: tuple[NodeRecord, ...]   # every drawn box, in number order
    dot: str                        # Graphviz source, boxes labelled with numbers + legend
    svg: str | None                 # rendered SVG; None when Graphviz `dot` is missing
    svg_saved: str | None           # the second view, with saved tensors (show_saved)
    note: str | None                # why a view is missing: one sentence (what to install)
    dot_saved: str | None = None    # the saved view's source; None when it cannot be drawn
    broken: str | None = None       # why backward() through it would fail: one sentence
    lost: str | None = None         # the first saved value torchviz could not read, and why
    svg_excerpt: str | None = None  # a deep network's drawing on one legible page
    excerpt: tuple[int, int] | None = None  # the layers the excerpt leaves out
    nonfinite: str | None = None    # where the first nan or inf gradient was sent: a sentence
    nonfinite_node: int | None = None  # the number of that node
    arrays: dict = field(default_factory=dict)  # 'n12.sent0' -> a small tensor, kept whole
    modules_html: str | None = None  # one drawn page per top-level module, when there are any
    module_types: dict = field(default_factory=dict)  # 'layer1.0.conv1' -> 'Conv2d', all modules
    dot_full: str | None = None     # every box drawn, when `dot` draws some modules collapsed
    svg_full: str | None = None     # its SVG
    wires: tuple[Wire, ...] = ()    # the few wires drawn with the gradient flowing on them

    @property
    def verified_text(self) -> str:
        """One sentence counting the boxes' verified marks, e.g. 'All 80 formulas ...'."""
        return verified_sentence(self.nodes)


@dataclass(frozen=True)
class Wire:
    """One edge of the drawing with the gradient on it: from box `head` back to box `tail`."""

    tail: int                       # the box the gradient flows to (the arrow's start)
    head: int                       # the box that sent it (the arrow's end)
    text: str                       # its value, or |g| and shape: '1.2496e+04'


@dataclass
class Box:
    """A box while the graph is alive: the torch object behind a number."""

    number: int
    kind: str
    obj: object                                         # tensor or autograd node
    children: list[int | None] = field(default_factory=list)  # per next_functions slot
    saved: list[tuple[str, object]] = field(default_factory=list)  # (name, value)
    saved_boxes: list[tuple[str, int, bool]] = field(default_factory=list)  # name, box, custom
    saved_by: list[int] = field(default_factory=list)
    attr: str = ""                                      # a saved box's attribute name


@dataclass(frozen=True)
class Layout:
    """The numbered boxes of one graph; alive only as long as the graph is needed."""

    boxes: tuple[Box, ...]
    main: int                        # boxes 1..main are drawn without saved tensors

    def box(self, number: int) -> Box:
        """The box numbered `number`."""
        return self.boxes[number - 1]


def number_boxes(output: torch.Tensor) -> Layout:
    """Number the output, every node and leaf, then every saved tensor, deterministically."""
    boxes: list[Box] = []
    known: dict[int, int] = {}  # id(obj) -> number, valid while `boxes` holds the objects

    def add(kind: str, obj: object) -> tuple[int, bool]:
        """(number, is it new) of the box for `obj`, numbering it if it is new."""
        if id(obj) in known:
            number = known[id(obj)]
            if kind == "leaf":  # a view's base that is also a parameter: it is a leaf
                boxes[number - 1].kind = kind
            return number, False
        boxes.append(Box(len(boxes) + 1, kind, obj))
        known[id(obj)] = len(boxes)
        return len(boxes), True

    add("output", output)
    queue = deque([boxes[0]])
    while queue:
        box = queue.popleft()
        for kind, child in _children(box.obj):
            if child is None:
                box.children.append(None)
                continue
            number, new = add(kind, child)
            box.children.append(number)
            if new:
                queue.append(boxes[number - 1])
    main_fns = [b for b in boxes if b.kind in ("backward", "accumulate")]
    for box in main_fns:
        box.saved = _saved_values(box.obj)
    # Custom autograd Functions' saved tensors are drawn even without show_saved, so they
    # are numbered first; then the `_saved_*` tensors of the saved view.
    for custom in (True, False):
        for box in main_fns:
            for name, value in _saved_tensors(box, custom):
                number, _ = add("saved", value)
                boxes[number - 1].attr = boxes[number - 1].attr or name
                if box.number not in boxes[number - 1].saved_by:
                    boxes[number - 1].saved_by.append(box.number)
                box.saved_boxes.append((name, number, custom))
        if custom:
            main = len(boxes)
    return Layout(tuple(boxes), main)


def _children(obj: object) -> list[tuple[str, object | None]]:
    """What torchviz draws an edge to from `obj`, in its order; None for an empty slot."""
    if torch.is_tensor(obj):
        found: list[tuple[str, object | None]] = []
        if obj.grad_fn is not None:
            found.append((_fn_kind(obj.grad_fn), obj.grad_fn))
        if obj._is_view():  # torchviz draws a view's base tensor, dark green, dotted
            found.append(("output", obj._base))
        return found
    found = [("leaf", obj.variable)] if hasattr(obj, "variable") else []
    for fn, _ in obj.next_functions:
        found.append((_fn_kind(fn), fn) if fn is not None else ("", None))
    return found


def _fn_kind(fn: object) -> str:
    return "accumulate" if hasattr(fn, "variable") else "backward"


def _saved_values(fn: object) -> list[tuple[str, object]]:
    """The node's `_saved_*` values by name, in torchviz's (alphabetical) order."""
    found = []
    for attr in dir(fn):
        if attr.startswith(SAVED_PREFIX):
            try:
                found.append((attr[len(SAVED_PREFIX):], getattr(fn, attr)))
            except RuntimeError as err:  # freed, or modified in place since it was saved
                found.append((attr[len(SAVED_PREFIX):], unavailable(err)))
    return found


@dataclass(frozen=True)
class Unavailable:
    """A saved value torch will not hand out any more, and why (a phrase for a student)."""

    why: str
    modified: bool  # True: changed in place after it was saved, so backward() would fail


FREED = Unavailable("freed by backward() (retain_graph=False)", modified=False)
_VERSIONS = re.compile(r"is at version (\d+); expected version (\d+)")


def unavailable(err: RuntimeError) -> Unavailable:
    """What torch's error on reading a saved value means: freed, or modified in place."""
    text = str(err)
    if "freed" in text:
        return FREED
    if "modified by an inplace operation" not in text:
        first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
        return Unavailable(f"unreadable ({first.rstrip('.')})", modified=False)
    versions = _VERSIONS.search(text)
    when = (f" (now at version {versions[1]}, saved at version {versions[2]})"
            if versions else "")
    return Unavailable(f"modified in place afterwards{when}, so backward() would "
                       "fail", modified=True)


def _saved_tensors(box: Box, custom: bool) -> list[tuple[str, torch.Tensor]]:
    """Tensors torchviz draws for this node: custom Functions' or the `_saved_*` ones."""
    if custom:
        try:
            values = list(getattr(box.obj, "saved_tensors", ()))
        except RuntimeError as err:  # torchviz reads them even without show_saved
            why = unavailable(err)
            name = type(box.obj).__name__
            if why is FREED:
                raise GraphError(f"the tensors saved by {name} were freed by backward(); draw "
                                 "the graph before it, or call backward(retain_graph=True)"
                                 ) from None
            raise GraphError(f"torchviz cannot draw the graph: a tensor saved by {name} was "
                             f"{why.why}") from None
        return [(f"saved_tensors[{i}]", t) for i, t in enumerate(values) if torch.is_tensor(t)]
    found = []
    for name, value in box.saved:
        if torch.is_tensor(value):
            found.append((name, value))
        elif isinstance(value, tuple):
            found += [(f"{name}[{i}]", t) for i, t in enumerate(value) if torch.is_tensor(t)]
    return found


class Namer:
    """Names of forward values: tensors by identity or storage, nodes by their output."""

    def __init__(self, values: Mapping[str, torch.Tensor],
                 outputs: Mapping[int, str] | None = None) -> None:
        self._by_id: dict[int, str] = {}
        self._by_storage: dict[tuple, str] = {}
        self._keep = list(values.values())  # ids stay valid while we hold the tensors
        self.outputs: dict[int, str] = dict(outputs or {})  # id(node) -> its output's name
        for name, tensor in values.items():
            self._by_id.setdefault(id(tensor), name)
            self._by_storage.setdefault(_storage_key(tensor), name)
            if tensor.grad_fn is not None:
                self.outputs.setdefault(id(tensor.grad_fn), name)

    def tensor(self, tensor: torch.Tensor) -> str | None:
        """The name of this tensor, or of one with the same storage, shape and strides."""
        if id(tensor) in self._by_id:
            return self._by_id[id(tensor)]
        return self._by_storage.get(_storage_key(tensor))

    def output_of(self, fn: object) -> str | None:
        """The name of the forward value the node `fn` created, when known."""
        return self.outputs.get(id(fn))


def _storage_key(tensor: torch.Tensor) -> tuple:
    if tensor.layout != torch.strided or tensor.numel() == 0:
        return ("no storage", id(tensor))
    return (tensor.data_ptr(), tuple(tensor.shape), tuple(tensor.stride()), tensor.dtype)


def shape_text(shape: tuple[int, ...] | torch.Size) -> str:
    """(1, 10) as torchviz writes it; a 0-d tensor is ()."""
    return "(" + ", ".join(str(n) for n in shape) + ")"
