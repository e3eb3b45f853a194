"""Every node's written formula, evaluated on the gradient the node really received and
compared with what autograd really sent: exact, close, FAILED or not checkable."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from backprop.graph.explain import Given, Uncheckable, formula_of
from backprop.graph.hooks import Observed
from backprop.graph.records import Box, Layout, Unavailable

# close: the largest difference within this many machine epsilons of the largest entry.
CLOSE_EPSILONS = 1000


@dataclass(frozen=True)
class Verdict:
    """The check of one box."""

    verified: str            # "exact" | "close" | "FAILED" | "not checkable" | ""
    error: float | None      # the max relative error, for close and FAILED
    why: str                 # what failed, or why it cannot be checked


NOTHING = Verdict("", None, "")  # a saved tensor: nothing flows through it


def verify(layout: Layout, seen: Observed) -> dict[int, Verdict]:
    """The verdict of every box, by number."""
    found = {}
    for box in layout.boxes:
        if seen.failure is not None and box.kind != "saved":
            found[box.number] = Verdict("not checkable", None,
                                        f"backward() through the graph fails: {seen.failure}")
        elif box.kind == "backward":
            found[box.number] = check_node(box, seen, layout)
        elif box.kind == "accumulate":
            leaf = box.children[0]
            found[box.number] = _same(_first(seen.received.get(box.number)),
                                      seen.leaf_grads.get(leaf), "the leaf's .grad")
        elif box.kind == "leaf":
            sinks = [b for b in layout.boxes if b.kind == "accumulate"
                     and b.children and b.children[0] == box.number]
            got = _first(seen.received.get(sinks[0].number)) if sinks else None
            found[box.number] = _same(got, seen.leaf_grads.get(box.number), "its .grad")
        elif box.kind == "output" and box.number == 1 and box.children:
            start = _first(seen.received.get(box.children[0]))
            ones = torch.ones_like(box.obj).detach()
            found[box.number] = _same(ones, start, "the gradient backward() starts with")
        else:
            found[box.number] = NOTHING
    return found


def _first(grads: tuple | None) -> torch.Tensor | None:
    return grads[0] if grads else None


def _same(expected: torch.Tensor | None, actual: torch.Tensor | None, what: str) -> Verdict:
    if expected is None or actual is None:
        return Verdict("not checkable", None, f"no gradient reached {what}")
    return compare(expected, actual, what)


def check_node(box: Box, seen: Observed, layout: Layout) -> Verdict:
    """Evaluate the node's formula on what it received; compare slot by slot with what it sent."""
    label = type(box.obj).__name__
    custom = isinstance(box.obj, torch.autograd.function.BackwardCFunction)
    formula = formula_of(label, custom)
    if formula is None:
        return Verdict("not checkable", None, f"no formula is written for {label}")
    if box.number not in seen.sent:
        return Verdict("not checkable", None, "it did not run: no gradient reached it")
    sent = seen.sent[box.number]
    given = Given(seen.received[box.number],
                  {k: v for k, v in box.saved if not isinstance(v, Unavailable)},
                  label, tuple(_input_shape(box.obj, i) for i in range(len(box.children))),
                  box.obj)
    worst: Verdict | None = None
    for slot, actual in enumerate(sent):
        if actual is None:
            continue
        try:
            with torch.no_grad():
                expected = formula(given, slot) if callable(formula) else formula[slot](given)
        except Uncheckable as why:
            return Verdict("not checkable", None, str(why))
        except IndexError:
            return Verdict("not checkable", None, f"no formula is written for input {slot}")
        except Exception as err:  # a formula that cannot even run on this node is wrong
            text = str(err).strip().splitlines()
            return Verdict("FAILED", None, f"input {slot}: the formula raised "
                                           f"{type(err).__name__}: {text[0] if text else ''}")
        verdict = compare(expected, actual, f"input {slot}")
        if worst is None or _rank(verdict) > _rank(worst):
            worst = verdict
    return worst or Verdict("not checkable", None, "it sent no gradient")


def _rank(verdict: Verdict) -> tuple[int, float]:
    order = {"exact": 0, "close": 1, "not checkable": 2, "FAILED": 3}
    return order[verdict.verified], verdict.error or 0.0


def _input_shape(node: object, slot: int) -> tuple[int, ...] | None:
    """The shape of the forward input in `slot`: what its own node records as its output."""
    child, index = node.next_functions[slot]
    if child is None:
        return None
    return tuple(child._input_metadata[index].shape)


def compare(expected: object, actual: torch.Tensor, what: str) -> Verdict:
    """exact, close (max relative error) or FAILED: the formula's value against autograd's."""
    if not torch.is_tensor(expected):
        return Verdict("FAILED", None, f"{what}: the formula gave {type(expected).__name__}, "
                                       "not a tensor")
    expected = expected.detach()
    if expected.shape != actual.shape:
        # autograd sums a broadcast gradient to its input's shape (validate_outputs).
        try:
            expected = expected.sum_to_size(actual.shape)
        except RuntimeError:
            return Verdict("FAILED", None, f"{what}: the formula gives shape "
                                           f"{tuple(expected.shape)}, autograd sent "
                                           f"{tuple(actual.shape)}")
    expected = expected.to(actual.dtype)
    if torch.equal(expected, actual):
        return Verdict("exact", 0.0, "")
    if not actual.is_floating_point():
        return Verdict("FAILED", None, f"{what}: the values differ")
    tolerance = CLOSE_EPSILONS * torch.finfo(actual.dtype).eps
    bounds = torch.cat([torch.stack(torch.aminmax(t)) for t in (expected, actual)])
    if bool(bounds.isfinite().all()):  # the usual case: no nan or inf on either side
        scale = bounds[2:].abs().max().item()
        error = (expected - actual).abs().max().item() / (scale or 1.0)
        if error <= tolerance:
            return Verdict("close", error, "")
        return Verdict("FAILED", error, f"{what}: max relative error {error:.3g}")
    nan_e, nan_a = expected.isnan(), actual.isnan()
    if not torch.equal(nan_e, nan_a):
        return Verdict("FAILED", None, f"{what}: nan in different places")
    fine = ~nan_a
    e, a = expected[fine].double(), actual[fine].double()
    if torch.equal(e, a):
        return Verdict("exact", 0.0, "")
    inf = e.isinf() | a.isinf()
    if not torch.equal(e[inf], a[inf]):
        return Verdict("FAILED", None, f"{what}: inf in different places")
    e, a = e[~inf], a[~inf]
    scale = a.abs().max().item() if a.numel() else 0.0
    error = (e - a).abs().max().item() / (scale or 1.0)
    if error <= tolerance:
        return Verdict("close", error, "")
    return Verdict("FAILED", error, f"{what}: max relative error {error:.3g}")
