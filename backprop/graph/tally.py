"""The verified marks of a graph's boxes, counted in one sentence for the table's reader."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # records.py imports this module for Graph.verified_text
    from backprop.graph.records import NodeRecord

MARKS = ("exact", "close", "FAILED", "not checkable")
LISTED = 6  # boxes named in the sentence for a FAILED mark, at most


def verified_counts(nodes: Sequence[NodeRecord]) -> dict[str, int]:
    """How many boxes carry each mark; saved tensors (no mark) are not counted."""
    counts = dict.fromkeys(MARKS, 0)
    for node in nodes:
        if node.verified:
            counts[node.verified] = counts.get(node.verified, 0) + 1
    return counts


def verified_sentence(nodes: Sequence[NodeRecord]) -> str:
    """'All 80 formulas verified exact on this run's gradients', or each mark's count."""
    counts = verified_counts(nodes)
    total = sum(counts.values())
    if not total:
        return ""
    if counts["exact"] == total:
        return f"All {total} formulas verified exact on this run's gradients."
    parts = []
    for mark, count in counts.items():
        if not count:
            continue
        part = f"{count} {mark}"
        marked = [node for node in nodes if node.verified == mark]
        errors = [node.error for node in marked if node.error is not None]
        if mark == "close" and errors:
            part += f" (largest relative error {max(errors):.2g})"
        elif mark == "FAILED":
            named = ", ".join(f"#{node.number}" for node in marked[:LISTED])
            part += f" ({named}{', …' if len(marked) > LISTED else ''})"
        parts.append(part)
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Of the {total} formulas checked on this run's gradients, {listed}."
