"""Run -> Report: read every number the report shows off the run, and format it once.

Nothing here recomputes a gradient: values come from `run` (and, for the notes, from the
companion runs in `report.notes`); listings are read from the source that ran.
"""

from __future__ import annotations

import inspect
import math
import os
import time
from datetime import datetime, timezone
from itertools import pairwise
from pathlib import Path

import torch
from rich.text import Text

from backprop import autograd
from backprop import problem as problem_module
from backprop import steps as steps_module
from backprop.compare import Agreement, significant
from backprop.fd import ParamCheck
from backprop.files import AUTOGRAD_DAT, MANUAL_DAT, sha256
from backprop.graph import Graph
from backprop.problem import layer_sizes
from backprop.record import versions
from backprop.run import Run
from report.commands import verdict
from report.comparison import Compared
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
    Scale,
    Step,
    Worked,
    shown_layers,
)
from report.notes import Companion, collect_notes

ROOT = Path(__file__).resolve().parent.parent


def collect(run: Run, graph: Graph, folder: Path, companions: dict[str, Companion]) -> Report:
    """The Report for `run`: `graph` is backprop.graph's Graph of it, `folder` has its files."""
    from report.graphview import graph_view

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
        scales=tuple(_scale(r, label) for label, r in
                     ((f"init={config.init} (this run)", run),
                      *((name, other) for name, other in companions.items()
                        if name.startswith("init=")))),
        comparison=tuple(_compared(a, check)
                         for a, check in zip(run.comparison, run.fd.params, strict=True)),
        agree=run.agree,
        bitwise=run.bitwise,
        verdict=Text.from_markup(verdict(run)).plain,
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
        notes=collect_notes(run, companions),
        dat_same_blocks=_blocks(dat[AUTOGRAD_DAT]) == _blocks(dat[MANUAL_DAT]),
    )


def _blocks(text: str) -> list[str]:
    """The lines of a .dat file after its header comments."""
    return [line for line in text.splitlines() if not line.startswith("#")]


def listings() -> dict[str, Listing]:
    """The code shown in the report, each read from the function that ran."""
    source, first = steps_module.manual_source()
    marks = tuple(sorted(steps_module.marker_lines().values()))
    found = {"manual_pass": Listing("manual_pass", "backprop/manual.py", source, first, marks)}
    for key, module, function in (("make_problem", problem_module, problem_module.make_problem),
                                  ("build_graph", autograd, autograd.build_graph),
                                  ("reference_pass", autograd, autograd.reference_pass)):
        lines, start = inspect.getsourcelines(function)
        path = Path(inspect.getfile(module)).resolve()
        relative = path.relative_to(ROOT) if path.is_relative_to(ROOT) else Path(path.name)
        found[key] = Listing(key, relative.as_posix(), "".join(lines), start)
    return found


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


def _scale(run: Run | Companion, label: str) -> Scale:
    """Sizes per layer of a Run or a notes Companion (both have .autograd)."""
    values = tuple(float(g.double().abs().max()) if bool(g.isfinite().all()) else math.inf
                   for g in run.autograd.grad_W)
    return Scale(label, values, growth(run.autograd.z, run.config.K))


def growth(z: tuple[torch.Tensor, ...], hidden: int) -> float | None:
    """How much max|z_k| grows per hidden layer: the geometric mean of its ratios.

    Only neighbouring hidden layers whose max|z| are both positive numbers count; the
    output layer is left out, as its one unit is no maximum over d of them.
    """
    sizes = [float(t.double().abs().max()) for t in z[:hidden]]
    logs = [math.log(b / a) for a, b in pairwise(sizes)
            if 0 < a < math.inf and 0 < b < math.inf]
    return math.exp(sum(logs) / len(logs)) if logs else None


def _compared(a: Agreement, check: ParamCheck) -> Compared:
    return Compared(a.name, "×".join(map(str, a.shape)), a.agree, a.differ,
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
