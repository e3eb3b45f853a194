"""Turn numbered boxes into NodeRecords: names, saved values, explanations, formulas."""

from __future__ import annotations

from dataclasses import replace

import torch

from backprop.graph.explain import Node, explain
from backprop.graph.records import (
    Box,
    Layout,
    Namer,
    NodeRecord,
    SavedValue,
    Unavailable,
    shape_text,
)

# Which forward input each next_functions slot is, for the nodes whose saved values are
# named after their inputs: lets a saved value (found by storage) name an operand.
SLOT_NAMES = {
    "MmBackward0": ("self", "mat2"),
    "AddmmBackward0": ("self", "mat1", "mat2"),
    "MulBackward0": ("self", "other"),
    "DivBackward0": ("self", "other"),
    "PowBackward0": ("self",),
    "PowBackward1": ("self", "exponent"),
    "MseLossBackward0": ("self", "target"),
    "LogBackward0": ("self",),
}


class Hints:
    """What is known about a graph beyond its shape; a user script's graph knows nothing more."""

    def output_name(self, box: Box) -> str | None:
        """The name of the forward value node `box` created, when the caller knows it."""
        return None

    def operand(self, box: Box, slot: int) -> str | None:
        """The name of a forward input of node `box` that needs no gradient, when known."""
        return None

    def steps(self, record: NodeRecord, box: Box) -> tuple[tuple[str, int | None], ...]:
        """The hand-written steps computing the same quantity as this box."""
        return ()

    def note(self, record: NodeRecord) -> str:
        """Sentences to add to the explanation (e.g. the hand-written counterpart)."""
        return ""


def annotate(layout: Layout, namer: Namer, hints: Hints, params: dict[str, torch.Tensor],
             output_name: str) -> tuple[NodeRecord, ...]:
    """One NodeRecord per box of `layout`, in number order."""
    leaf_names = {id(t): name for name, t in reversed(params.items())}  # first name wins
    annotator = _Annotator(layout, namer, hints, leaf_names, output_name)
    records = []
    for box in layout.boxes:
        record = annotator.record(box, tuple(annotator.into.get(box.number, ())))
        record = replace(record, steps=hints.steps(record, box))
        note = hints.note(record)
        records.append(replace(record, explanation=f"{record.explanation} {note}".strip()))
    return tuple(records)


class _Annotator:
    def __init__(self, layout: Layout, namer: Namer, hints: Hints,
                 leaf_names: dict[int, str], output_name: str) -> None:
        self.layout, self.namer, self.hints = layout, namer, hints
        self.leaf_names, self.output_name = leaf_names, output_name
        self.number_of = {id(box.obj): box.number for box in layout.boxes}
        self.into: dict[int, list[int]] = {}  # box -> the boxes with an edge to it, in order
        for box in layout.boxes:
            for child in box.children:
                if child is not None and box.number not in self.into.setdefault(child, []):
                    self.into[child].append(box.number)

    def label(self, box: Box) -> str:
        """The box's label: class name, parameter name, saved name or the output's name."""
        if box.kind in ("backward", "accumulate"):
            return type(box.obj).__name__
        if box.kind == "leaf":
            return self.leaf_names.get(id(box.obj), "leaf")
        if box.kind == "saved":
            return box.attr
        return self.output_name if box.number == 1 else f"base of {self.output_name}"

    def layer(self, box: Box) -> int | None:
        """The layer a node was tagged with in the forward pass (metadata["layer"])."""
        if box.kind in ("backward", "accumulate"):
            layer = box.obj.metadata.get("layer")
            return layer if isinstance(layer, int) and not isinstance(layer, bool) else None
        owner = box.saved_by[0] if box.saved_by else self.into.get(box.number, [None])[0]
        if box.kind in ("leaf", "saved") and owner is not None:
            return self.layer(self.layout.box(owner))
        return None

    def ref(self, number: int) -> str:
        """'#7 ReluBackward0'."""
        return f"#{number} {self.label(self.layout.box(number))}"

    def value_of(self, number: int) -> str:
        """The forward value a box stands for: W3 for a leaf, h2 for the node making h2."""
        box = self.layout.box(number)
        if box.kind == "accumulate":
            return self.value_of(box.children[0])
        if box.kind == "leaf":
            return self.label(box)
        return (self.hints.output_name(box) or self.namer.output_of(box.obj)
                or f"the output of #{number}")

    def meaning(self, value: object, owner: Box) -> str:
        """Which forward value a saved value is: h2, W3, x, 2, ..."""
        if isinstance(value, Unavailable):
            return value.why
        if value is None:
            return "None (not needed by this backward)"
        if not torch.is_tensor(value):
            return str(tuple(value) if isinstance(value, list) else value)
        name = self.namer.tensor(value)
        if name:
            return name
        if value.grad_fn is not None:
            if value.grad_fn is owner.obj:
                return self.value_of(owner.number)
            number = self.number_of.get(id(value.grad_fn))
            return self.value_of(number) if number else "a value computed in the forward pass"
        if value.numel() == 1 and not value.requires_grad:
            return f"the constant {value.item():g}"
        return "a leaf tensor" if value.requires_grad else "a tensor that needs no gradient"

    def saved_values(self, box: Box) -> tuple[SavedValue, ...]:
        """Every `_saved_*` value of a node, with its shape and meaning."""
        found = []
        for name, value in box.saved:
            shape = tuple(value.shape) if torch.is_tensor(value) else None
            found.append(SavedValue(name, shape, self.meaning(value, box)))
        return tuple(found)

    def operand(self, box: Box, slot: int, saved: dict[str, str]) -> str:
        """The name of the forward input in next_functions slot `slot` of node `box`."""
        known = self.hints.operand(box, slot)
        if known:
            return known
        child = box.children[slot]
        if child is not None and not self.value_of(child).startswith("the output of"):
            return self.value_of(child)
        names = SLOT_NAMES.get(self.label(box), ())
        if slot < len(names) and names[slot] in saved and "(" not in saved[names[slot]]:
            return saved[names[slot]]
        if child is not None:
            return self.value_of(child)
        return "a tensor that needs no gradient"

    def record(self, box: Box, outputs: tuple[int, ...]) -> NodeRecord:
        """The record of one box, before hints add steps and notes."""
        label, layer = self.label(box), self.layer(box)
        inputs = tuple(c for c in box.children if c is not None)
        saved = self.saved_values(box)
        if box.kind == "saved":
            owner = self.layout.box(box.saved_by[0])
            saved = (SavedValue(box.attr, tuple(box.obj.shape), self.meaning(box.obj, owner)),)
        explanation, formula = getattr(self, f"_{box.kind}")(box, label, saved, outputs)
        return NodeRecord(box.number, box.kind, label, layer, inputs, outputs, saved,
                          explanation, formula, (), tuple(box.saved_by))

    def _backward(self, box: Box, label: str, saved: tuple[SavedValue, ...],
                  outputs: tuple[int, ...]) -> tuple[str, str]:
        meanings = {s.name: s.meaning for s in saved}
        raw = dict(box.saved)
        node = Node(box.number, label, self.value_of(box.number),
                    tuple(self.operand(box, i, meanings) for i in range(len(box.children))),
                    tuple(self.ref(c) if c is not None else None for c in box.children),
                    meanings,
                    values={k: v for k, v in raw.items() if not torch.is_tensor(v)},
                    shapes={s.name: s.shape for s in saved if s.shape is not None},
                    custom=isinstance(box.obj, torch.autograd.function.BackwardCFunction))
        text, formula = explain(node)
        # A 0-d tensor has shape (): it is saved all the same.
        tensors = [f"{s.name} = {s.meaning} {shape_text(s.shape)}"
                   for s in saved if s.shape is not None]
        if tensors:
            text += f" Saved for backward: {', '.join(tensors)}."
        modified = [k for k, v in raw.items() if isinstance(v, Unavailable) and v.modified]
        if modified:
            verb = "was" if len(modified) == 1 else "were"
            text += f" Its saved {' and '.join(modified)} {verb} {meanings[modified[0]]}."
        return text, formula

    def _accumulate(self, box: Box, label: str, saved: tuple[SavedValue, ...],
                    outputs: tuple[int, ...]) -> tuple[str, str]:
        leaf = self.value_of(box.number)
        came = ", ".join(self.ref(n) for n in outputs)
        return (f"The end of the road for {leaf}'s gradient. It receives dL/d{leaf} from "
                f"{came} and adds it into {leaf}.grad (#{box.children[0]}). It adds rather "
                f"than stores: a second backward() without zeroing {leaf}.grad would sum both "
                f"gradients. It has no next functions and computes nothing else.",
                f"{leaf}.grad += g")

    def _leaf(self, box: Box, label: str, saved: tuple[SavedValue, ...],
              outputs: tuple[int, ...]) -> tuple[str, str]:
        shape = shape_text(box.obj.shape)
        sinks = [n for n in outputs if self.layout.box(n).kind == "accumulate"]
        text = (f"The parameter {label} {shape}: a leaf tensor with requires_grad=True, made "
                f"by you rather than by an operation, so it has no grad_fn. After backward() "
                f"{label}.grad holds dL/d{label}, put there by "
                f"{', '.join(self.ref(n) for n in sinks)}.")
        if box.saved_by:
            users = ", ".join(self.ref(n) for n in box.saved_by)
            text += (f" {users} also saved {label} itself for its backward; the saved view "
                     f"draws that as this same box.")
        return text, f"{label}.grad = dL/d{label}"

    def _output(self, box: Box, label: str, saved: tuple[SavedValue, ...],
                outputs: tuple[int, ...]) -> tuple[str, str]:
        shape = shape_text(box.obj.shape)
        inputs = [c for c in box.children if c is not None]
        if box.number == 1:
            return (f"{label} {shape}, the output: backward() starts here with "
                    f"dL/d{label} = 1 and sends it to {self.ref(inputs[0])}, the node that "
                    f"created {label}; from there gradients flow towards the leaves.",
                    f"dL/d{label} = 1")
        return (f"The base of {self.output_name}: {self.output_name} is a view of this "
                f"tensor {shape}. torchviz draws a view's base dark green, joined to the view "
                f"by a dotted edge. A view shares its base's numbers, so this box adds no "
                f"computation.", "")

    def _saved(self, box: Box, label: str, saved: tuple[SavedValue, ...],
               outputs: tuple[int, ...]) -> tuple[str, str]:
        owners = ", ".join(self.ref(n) for n in box.saved_by)
        return (f"A saved tensor: {owners} kept `{label}` = {saved[0].meaning} "
                f"{shape_text(box.obj.shape)} from the forward pass, because its backward "
                f"formula needs that value. Nothing flows through it; torchviz draws it "
                f"orange, joined to its node by a line without an arrow.", "")
