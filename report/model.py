"""What the report shows, as plain data: numbers already formatted, no tensors.

`report.collect` fills this from a Run (it needs torch); the renderer reads only this,
so it can run in a process that never imports torch (see `report.worker`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backprop.layers import omitted_layers, shown_layers
from report.comparison import Compared

if TYPE_CHECKING:   # it builds on this module's Block and Listing
    from report.yourpass import YourPass

__all__ = ["omitted_layers", "shown_layers"]  # with the model's classes: the templates read them

if TYPE_CHECKING:  # plain dataclasses; the module imports torch only inside its functions
    from backprop.textbook import Textbook

MAX_COLS = 10          # values per shown row; wider tensors are cut to an excerpt
MAX_ROWS = 10          # rows per shown matrix
MAX_BATCH_ROWS = 4     # data points shown in the tables of x and y
MAX_HEAT = 32          # heatmap cells per side
MAX_DAT_LINES = 60     # lines of a .dat file shown as an excerpt
_FIRST_SENTENCE = re.compile(r"(.+?\.)(?=\s+[A-Z#(]|$)", re.S)


@dataclass(frozen=True)
class Listing:
    """Source code that ran, read from its file: where it is and the lines to mark."""

    title: str                   # "manual_pass", "make_problem"
    path: str                    # "backprop/manual.py"
    source: str
    first_line: int              # file line of the first source line
    marks: tuple[int, ...] = ()  # file lines to highlight


@dataclass(frozen=True)
class Layer:
    """One linear layer: its shapes, and its forward values for the first data point."""

    k: int
    n_in: int
    n_out: int
    z: tuple[str, ...]           # pre-activation, first MAX_COLS units, 5 significant digits
    on: tuple[bool, ...]         # ReLU mask of those units
    h: tuple[str, ...]           # activation of those units
    units_on: int                # units on, of n_out, for the first data point
    on_fraction: tuple[float, ...]  # per unit (all of them): share of the batch it is on for
    max_abs_z: str


@dataclass(frozen=True)
class Block:
    """One gradient dL/dP as both passes give it, cut to MAX_ROWS x MAX_COLS."""

    name: str                    # "W3", "b3"
    layer: int
    shape: tuple[int, int]
    autograd: tuple[tuple[str, ...], ...]   # 5 significant digits
    manual: tuple[tuple[str, ...], ...]
    differ: tuple[tuple[bool, ...], ...]    # True where the 5-digit forms differ

    @property
    def cut(self) -> bool:
        """True when only part of the tensor is shown."""
        return (len(self.autograd), len(self.autograd[0])) != self.shape


@dataclass(frozen=True)
class Heat:
    """dL/dW_k for the heatmap: signed values of its top-left MAX_HEAT x MAX_HEAT corner."""

    layer: int
    shape: tuple[int, int]
    values: tuple[tuple[float, ...], ...]
    max_abs: float               # over the finite entries of the whole tensor (0.0 if none)
    nonfinite: int = 0           # entries of the whole tensor that are inf or nan

    @property
    def caption(self) -> tuple[str, ...]:
        """The lines under the grid: its largest |entry|, and how many are not numbers."""
        total = self.shape[0] * self.shape[1]
        if self.nonfinite == total:
            return ("all inf/nan",)
        top = ("all 0" if self.max_abs == 0 and not self.nonfinite else
               f"max {self.max_abs:.1e}" if self.max_abs else "others 0")
        return (top, f"{self.nonfinite} inf/nan") if self.nonfinite else (top,)


@dataclass(frozen=True)
class GraphNode:
    """One numbered box of the autograd graph (backprop.graph's NodeRecord, as text)."""

    number: int
    kind: str
    label: str
    layer: int | None
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    saved: tuple[str, ...]       # "mat2 = W3 (10x10)"
    explanation: str
    formula: str
    steps: tuple[tuple[str, int | None], ...]
    verified: str = ""           # exact | close | FAILED | not checkable; "" saved tensors
    error: str = ""              # a close or FAILED check's max relative error: "3.1e-07"
    why: str = ""                # what FAILED, or why it cannot be checked
    source: str = ""             # the line that created it: "autograd.py:33"

    @property
    def summary(self) -> str:
        """The explanation's first sentence: what this very box is."""
        found = _FIRST_SENTENCE.match(self.explanation)
        return found.group(1) if found else self.explanation


@dataclass(frozen=True)
class GraphView:
    """The graph chapter's data: the drawing (or why there is none) and every node."""

    nodes: tuple[GraphNode, ...]
    svg: str | None
    note: str | None             # why there is no drawing: what to install
    backward_nodes: int          # autograd's own nodes (not leaves, not the output box)
    excerpt: tuple[int, int] | None = None   # layers left out of the drawing, if any
    svg_saved: str | None = None  # the saved-tensor view, when the graph is drawn whole
    verified: str = ""           # the sentence counting the boxes' verified marks
    wires: tuple[tuple[int, int, str], ...] = ()  # (to, from, value) written on the drawing


@dataclass(frozen=True)
class Worked:
    """The output layer worked by hand with this run's numbers (first data point)."""

    n: int
    y_pred: str
    y: str
    grad_y_pred: str
    z_out: str
    mask_out: bool
    delta_out: str
    h_in: tuple[str, ...]        # h_{n-1}, first MAX_COLS units
    grad_W: tuple[str, ...]      # dL/dW_n = h_{n-1}^T delta_n, first MAX_COLS entries
    grad_b: str
    W_out: tuple[str, ...]       # W_n^T, first MAX_COLS entries
    grad_h: tuple[str, ...]      # dL/dh_{n-1} = delta_n W_n^T


@dataclass(frozen=True)
class Step:
    """A step of the hand-written pass: its equation in text, and where its code is."""

    tag: str
    layer: int | None
    symbol: str
    title: str
    text: str
    line: int


@dataclass(frozen=True)
class Notes:
    """The numbers behind the notes on the assignment."""

    y: str                        # the label as defined, y = sum x^2 / d
    y_code: str                   # the homework code's x.pow(2).sum()/2
    loss_code: str                # the loss with that label
    loss_half: str                # (y_pred - y)^2 / 2
    grad_half: str                # its gradient, y_pred - y
    exact_zeros: int              # pre-activations exactly 0 in this run
    pre_activations: int
    homework_agrees: str          # its gradients against autograd's: a Compared.state
    homework_label_max: str       # max |dL/dW| with the code's label (output mask applied)
    dead_seed: int | None         # a seed whose output ReLU is off, for this K, d, init
    dead_z_out: str
    dead_autograd_max: str        # max |gradient| autograd gives there (0)
    dead_homework_max: str        # ... and what the homework's code gives
    other_init: str               # the companion run's init
    other_max: str                # its max |dL/dW| ("inf or nan" if it overflowed)
    this_max: str
    other_max_value: float        # the same two as numbers, for the prose to branch on
    this_max_value: float
    params: int

    @property
    def this_kind(self) -> str:
        """This run's largest |gradient|: "zero", "overflow" or "number"."""
        return _kind(self.this_max_value)

    @property
    def other_kind(self) -> str:
        """The other init's largest |gradient|: "zero", "overflow" or "number"."""
        return _kind(self.other_max_value)


def _kind(value: float) -> str:
    return "zero" if value == 0 else ("number" if math.isfinite(value) else "overflow")


@dataclass(frozen=True)
class Scale:
    """One run's sizes per layer: max |dL/dW_k| for the log-scale chart, and the growth.

    A value is 0.0 where the layer's gradient is all 0, and inf where it holds inf or nan.
    """

    label: str
    values: tuple[float, ...]
    growth: float | None = None  # geometric mean of max|z_k| / max|z_{k-1}|, hidden layers

    @property
    def overflowed(self) -> bool:
        """True when some layer's gradient holds inf or nan."""
        return math.inf in self.values

    @property
    def span(self) -> tuple[float, float] | None:
        """The smallest and largest value that is a positive number, or None."""
        finite = [v for v in self.values if 0 < v < math.inf]
        return (min(finite), max(finite)) if finite else None


@dataclass(frozen=True)
class Report:
    """Everything the report shows about one run."""

    config: dict[str, int | str]
    describe: str
    command: str
    date: str
    versions: dict[str, str]
    banner: tuple[str, ...]       # severe diagnostics, said at the top
    diagnostics: tuple[tuple[str, str], ...]   # (kind, message), every one
    x: tuple[tuple[str, ...], ...]             # first MAX_BATCH_ROWS rows, MAX_COLS columns
    y: tuple[str, ...]
    y_pred: tuple[str, ...]
    loss: str
    loss_exact: str                # as run.json writes it: every digit of the float
    layers: tuple[Layer, ...]
    blocks: tuple[Block, ...]      # W1, b1, W2, ... for the shown layers
    heats: tuple[Heat, ...]        # every layer
    scales: tuple[Scale, ...]      # this run first, then the companion
    comparison: tuple[Compared, ...]
    agree: bool
    bitwise: bool
    verdict: str                   # the command line's verdict, word for word
    fd_agree: bool                 # no entry that could be judged disagrees
    fd_resolved: int               # entries finite differences could judge ...
    fd_checked: int                # ... of those checked
    fd_sampled: bool
    fd_rtol: float
    worked: Worked
    steps: tuple[Step, ...]        # the hand-written steps of layer n and the loss, in order
    listings: dict[str, Listing]
    dat: dict[str, str]            # file name -> its text
    sha256: dict[str, str]         # file name -> digest
    graph: GraphView
    notes: Notes
    dat_same_blocks: bool          # the two .dat files differ only in their headers
    textbook: Textbook | None = None   # backprop.textbook's numbers, formatted by templates
    your_pass: YourPass | None = None   # with --check: the chapter "Your backward pass"
