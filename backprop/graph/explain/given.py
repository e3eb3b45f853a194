"""What an executable formula is given: the gradient a node received and its saved values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import prod

import torch

WRAP = 2**64  # torch hands a saved negative int64 back as an unsigned number: -1 is 2^64 - 1


class Uncheckable(LookupError):
    """Why a formula cannot be checked here: a saved value is missing, a case not written."""


@dataclass(frozen=True)
class Given:
    """One node's backward inputs: gs[i] is dL/d(output i); saved values by name."""

    gs: tuple[torch.Tensor | None, ...]
    saved: dict[str, object]
    label: str = ""                                   # the node's class name
    shapes: tuple[tuple[int, ...] | None, ...] = ()   # per slot: the forward input's shape
    node: object = None  # the autograd node itself, for a custom Function's own backward

    def in_shape(self, slot: int) -> tuple[int, ...]:
        """The shape of the forward input in `slot` (autograd's own record of it)."""
        found = self.shapes[slot] if slot < len(self.shapes) else None
        if found is None:
            raise Uncheckable(f"the shape of input {slot} is not known")
        return found

    @property
    def g(self) -> torch.Tensor:
        """The gradient received for the node's (first) output."""
        if not self.gs or self.gs[0] is None:
            raise Uncheckable("the node received no gradient for its output")
        return self.gs[0]

    def __getattr__(self, name: str) -> object:
        values = object.__getattribute__(self, "saved")
        value = values.get(name)
        if value is None:
            raise Uncheckable(f"the node did not save `{name}`")
        if isinstance(value, int) and not isinstance(value, bool) and value >= WRAP // 2:
            return value - WRAP
        return value

    def has(self, name: str) -> bool:
        """Whether the node saved `name` (as a value other than None)."""
        return self.saved.get(name) is not None

    def axes(self, name: str = "dim", ndim: int | None = None) -> tuple[int, ...]:
        """A saved dim or tuple of dims, non-negative, sorted; every dim when () or absent."""
        raw = self.saved.get(name)
        if ndim is None:
            ndim = len(self.input_sizes())
        if raw is None or raw == ():
            return tuple(range(ndim))
        raw = raw if isinstance(raw, tuple) else (raw,)
        return tuple(sorted({(d - WRAP if d >= WRAP // 2 else d) % max(ndim, 1) for d in raw}))

    def input_sizes(self, name: str = "self_sym_sizes") -> tuple[int, ...]:
        """The input's shape as the node saved it."""
        value = self.saved.get(name)
        if value is None and torch.is_tensor(self.saved.get("self")):
            return tuple(self.saved["self"].shape)
        if not isinstance(value, tuple):
            raise Uncheckable(f"the node did not save `{name}`")
        return value


def unreduce(g: torch.Tensor, dims: tuple[int, ...], keepdim: bool) -> torch.Tensor:
    """g of a reduction over `dims`, with those dimensions put back (size 1) when they went."""
    if not keepdim:
        for d in dims:  # ascending, so each dim is where it was in the input
            g = g.unsqueeze(d)
    return g


def count(sizes: tuple[int, ...], dims: tuple[int, ...]) -> int:
    """How many entries a reduction over `dims` of a tensor of `sizes` combines."""
    return prod(sizes[d] for d in dims)


# A formula: one function per next_functions slot (its gradient from what the node was
# given), or one function of (given, slot) for nodes with any number of inputs (cat, stack).
Slot = Callable[[Given], torch.Tensor]
Formula = tuple[Slot, ...] | Callable[[Given, int], torch.Tensor]
