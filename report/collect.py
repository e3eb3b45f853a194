"""Run -> Report: read every number the report shows off the run, and format it once.

Nothing here computes: values come from `run`, its drawn graph and the notes' numbers
(backprop.notes); listings are read from the source that ran.
"""

from __future__ import annotations

import math
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from backprop.compare import significant
from backprop.files import AUTOGRAD_DAT, MANUAL_DAT, sha256
from backprop.problem import layer_sizes
from backprop.record import versions
from backprop.sources import sources
from backprop.verdict import state, verdict
from report.comparison import Compared
from report.graphview import graph_view
from report.model import (
    MAX_BATCH_ROWS,
    MAX_COLS,
    MAX_HEAT,
    MAX_ROWS,
    Block,
    Heat,
    Layer,
    Listing,
    Report,
    Step,
    Worked,
    shown_layers,
)
from report.notes import format_notes, scales

if TYPE_CHECKING:
    from backprop.compare import Agreement
    from backprop.fd import ParamCheck
    from backprop.graph import Graph
    from backprop.notes import AssignmentNotes
    from backprop.run import Run

def collect(run: Run, graph: Graph, notes: AssignmentNotes, folder: Path) -> Report:
    """The Report for `run`: `graph` is its drawn graph, `folder` has its files."""
    config = run.config
    n = config.layers
    dat = {name: (folder / name).read_text(encoding="utf-8") for name in (AUTOGRAD_DAT, MANUAL_DAT)}
    severe = tuple(d.message for d in run.diagnostics if d.severe)
    return Report(
        config=config.as_dict(),
        describe=config.describe(),
        command=command(run),
        date=report_date(),
        versions={name: str(value) for name, value in versions().items()},  # TorchVersion: str
        banner=severe,
        diagnostics=tuple((d.kind, d.message) for d in run.diagnostics),
        x=tuple(_row(r) for r in run.problem.x[:MAX_BATCH_ROWS].tolist()),
        y=tuple(_fmt(v) for v in run.problem.y[:MAX_BATCH_ROWS, 0].tolist()),
        y_pred=tuple(_fmt(v) for v in run.manual.y_pred[:MAX_BATCH_ROWS, 0].tolist()),
        loss=_fmt(float(run.manual.loss)),
        loss_exact=repr(float(run.manual.loss)),
        layers=tuple(_layer(run, k) for k in range(1, n + 1)),
        blocks=tuple(_block(run, name, k) for k in shown_layers(n) if k is not None
                     for name in (f"W{k}", f"b{k}")),
        heats=tuple(_heat(run, k) for k in range(1, n + 1)),
        scales=scales(notes),
        comparison=tuple(_compared(a, check)
                         for a, check in zip(run.comparison, run.fd.params, strict=True)),
        agree=run.agree,
        bitwise=run.bitwise,
        verdict=verdict(run).text,
        fd_agree=run.fd.agree,
        fd_resolved=run.fd.resolved,
        fd_checked=run.fd.checked,
        fd_sampled=run.fd.sampled,
        fd_rtol=run.fd.rtol,
        worked=_worked(run),
        steps=tuple(Step(s.tag, s.layer, s.symbol, s.title, s.text, s.line) for s in run.steps
                    if s.layer in (n, None)),
        listings=listings(),
        dat=dat,
        sha256={name: sha256(text) for name, text in dat.items()},
        graph=graph_view(graph, n),
        notes=format_notes(notes),
        dat_same_blocks=_blocks(dat[AUTOGRAD_DAT]) == _blocks(dat[MANUAL_DAT]),
    )


def _blocks(text: str) -> list[str]:
    """The lines of a .dat file after its header comments."""
    return [line for line in text.splitlines() if not line.startswith("#")]


def listings() -> dict[str, Listing]:
    """The code shown in the report, each read from the function that ran."""
    return {key: Listing(s.title, s.path, s.text, s.first_line, s.marks)
            for key, s in sources().items()}


def command(run: Run) -> str:
    """The exact command that rebuilds this report, every run option spelled out."""
    c = run.config
    return (f"gradreport build --pdf -K {c.K} -d {c.d} --batch {c.batch} --seed {c.seed} "
            f"--init {c.init} --dtype {c.dtype} --draw {c.draw}")


def report_date() -> str:
    """The date on the title page: SOURCE_DATE_EPOCH's when set (reproducible), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%d")
    return time.strftime("%Y-%m-%d")


def _fmt(value: float, digits: int = 5) -> str:
    return significant(value, digits)


def _row(values: list[float]) -> tuple[str, ...]:
    return tuple(_fmt(v) for v in values[:MAX_COLS])


def _layer(run: Run, k: int) -> Layer:
    trace = run.manual
    z, mask, h = trace.z[k - 1], trace.mask[k - 1], trace.h[k - 1]
    n_in, n_out = layer_sizes(run.config)[k - 1]
    on_fraction = tuple(float(v) for v in mask.double().mean(dim=0).tolist())
    finite = z[z.isfinite()]
    max_abs = float(finite.abs().max()) if finite.numel() else math.inf
    return Layer(k, n_in, n_out, _row(z[0].tolist()), tuple(mask[0, :MAX_COLS].tolist()),
                 _row(h[0].tolist()), int(mask[0].sum()), on_fraction, _fmt(max_abs, 3))


def _block(run: Run, name: str, k: int) -> Block:
    a = run.autograd.gradients()[name][:MAX_ROWS, :MAX_COLS].tolist()
    m = run.manual.gradients()[name][:MAX_ROWS, :MAX_COLS].tolist()
    auto = tuple(tuple(_fmt(v) for v in row) for row in a)
    mine = tuple(tuple(_fmt(v) for v in row) for row in m)
    differ = tuple(tuple(p != q for p, q in zip(r, s, strict=True))
                   for r, s in zip(auto, mine, strict=True))
    shape = tuple(run.autograd.gradients()[name].shape)
    return Block(name, k, (shape[0], shape[1]), auto, mine, differ)


def _heat(run: Run, k: int) -> Heat:
    grad = run.autograd.grad_W[k - 1].double()
    corner = grad[:MAX_HEAT, :MAX_HEAT]
    finite = grad[grad.isfinite()]
    max_abs = float(finite.abs().max()) if finite.numel() else 0.0
    return Heat(k, (grad.shape[0], grad.shape[1]),
                tuple(tuple(row) for row in corner.tolist()), max_abs,
                grad.numel() - finite.numel())


def _compared(a: Agreement, check: ParamCheck) -> Compared:
    return Compared(a.name, "×".join(map(str, a.shape)), state(a), a.agree, a.differ,
                    _error(a.max_rel_error), a.bitwise, a.nonfinite, check.status,
                    check.checked, check.total, check.kinks, check.unresolved,
                    _error(check.max_rel_error))


def _error(value: float) -> str:
    if math.isnan(value):
        return "–"
    return "0" if value == 0 else f"{value:.1e}"


def _worked(run: Run) -> Worked:
    """The output layer by hand, from the hand-written pass's steps (first data point)."""
    n = run.config.layers
    by = {(s.tag, s.layer): s.manual for s in run.steps}
    trace = run.manual
    h_in = run.problem.x if n == 1 else trace.h[n - 2]
    grad_h = by.get(("grad_h", n))
    return Worked(
        n=n,
        y_pred=_fmt(float(trace.y_pred[0, 0])),
        y=_fmt(float(run.problem.y[0, 0])),
        grad_y_pred=_fmt(float(by[("grad_y_pred", n)][0, 0])),
        z_out=_fmt(float(by[("z", n)][0, 0])),
        mask_out=bool(by[("mask", n)][0, 0]),
        delta_out=_fmt(float(by[("delta", n)][0, 0])),
        h_in=_row(h_in[0].tolist()),
        grad_W=_row(by[("grad_W", n)][:, 0].tolist()),
        grad_b=_fmt(float(by[("grad_b", n)][0, 0])),
        W_out=_row(run.problem.weights[-1][:, 0].tolist()),
        grad_h=_row(grad_h[0].tolist()) if grad_h is not None else (),
    )
