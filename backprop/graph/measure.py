"""The numbers of one real backward put on the records: verdicts, order, values, sources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import torch

from backprop.graph.hooks import Observed, observe
from backprop.graph.records import Box, Layout, NodeRecord
from backprop.graph.source import source_of
from backprop.graph.values import NodeValues, bad, small, summary
from backprop.graph.verify import verify


@dataclass(frozen=True)
class Measured:
    """The records with their numbers, the small tensors kept whole, and the first nan/inf."""

    records: tuple[NodeRecord, ...]
    arrays: dict[str, torch.Tensor]
    nonfinite: str | None
    nonfinite_node: int | None


def measure(layout: Layout, records: tuple[NodeRecord, ...], made: Mapping[int, torch.Tensor],
            files: tuple[str, ...] = ()) -> Measured:
    """Run the hooked backward once and fill every record's verified, ran, source, values.

    `made` maps id(node) to the forward tensor it created, where known; `files` are the
    user's files, whose lines name where each node was created.
    """
    seen = observe(layout)
    verdicts = verify(layout, seen)
    arrays: dict[str, torch.Tensor] = {}
    done = []
    known: dict[int, object] = {}  # id(tensor) -> its summary: a tensor is often met twice

    def summarise(tensor: torch.Tensor | None) -> object:
        if tensor is None:
            return None
        if id(tensor) not in known:
            known[id(tensor)] = summary(tensor)
        return known[id(tensor)]

    for record in records:
        box = layout.box(record.number)
        forward = _forward_value(box, made)
        received = seen.received.get(record.number, ())
        sent = seen.sent.get(record.number, ())
        for what, tensor in (("forward", forward), *_named("received", received),
                             *_named("sent", sent)):
            if small(tensor):
                arrays[f"n{record.number}.{what}"] = tensor.detach()
        verdict = verdicts[record.number]
        values = NodeValues(summarise(forward), tuple(map(summarise, received)),
                            tuple(map(summarise, sent)))
        source = source_of(box.obj, files) if box.kind == "backward" else None
        done.append(replace(record, verified=verdict.verified, error=verdict.error,
                            why=verdict.why, ran=seen.ran.get(record.number), source=source,
                            values=values))
    text, number = first_nonfinite(layout, tuple(done), seen)
    return Measured(tuple(done), arrays, text, number)


def _named(what: str, grads: tuple) -> list[tuple[str, torch.Tensor | None]]:
    return [(f"{what}{i}", g) for i, g in enumerate(grads)]


def _forward_value(box: Box, made: Mapping[int, torch.Tensor]) -> torch.Tensor | None:
    """The forward tensor a box stands for: the node's output, a leaf, the output, a saved one."""
    if box.kind == "backward":
        return made.get(id(box.obj))
    if box.kind == "accumulate":
        return box.obj.variable
    return box.obj if torch.is_tensor(box.obj) else None


def first_nonfinite(layout: Layout, records: tuple[NodeRecord, ...],
                    seen: Observed) -> tuple[str | None, int | None]:
    """Where a nan or inf gradient starts: the first node, in execution order, that sent one."""
    for number in sorted(seen.ran, key=seen.ran.__getitem__):
        if not any(bad(g) for g in seen.sent.get(number, ())):
            continue
        record = records[number - 1]
        op = record.label.removesuffix("Backward0").removesuffix("Backward1")
        where = (f" at {record.source.file}:{record.source.line} ({record.source.code})"
                 if record.source else "")
        got = ", ".join(_describe(s) for s in record.values.received) or "nothing"
        saved = [f"{s.name} = {s.meaning}" for s in record.saved if s.shape is not None]
        kept = f"; it saved {', '.join(saved)}" if saved else ""
        made_bad = ("; its input gradient was already nan/inf"
                    if any(bad(g) for g in seen.received.get(number, ())) else
                    "; what it received was finite, so this node made it")
        return (f"The first nan or inf gradient was sent by #{number} {record.label} (ran "
                f"{ordinal(seen.ran[number])}), recorded by the forward operation {op}{where}; "
                f"it received {got}{kept}{made_bad}.", number)
    return None, None


def _describe(s: object) -> str:
    if s is None:
        return "no gradient"
    bits = f"g {s.shape} in [{s.min:.3g}, {s.max:.3g}]" if s.min is not None else f"g {s.shape}"
    if s.nans or s.infs:
        bits += f" with {s.nans} nan and {s.infs} inf"
    return bits


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    tail = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{tail}"
