"""run.json: enough of a run for anyone to recompute its gradients with another tool;
and the run's three files, written together."""

from __future__ import annotations

import json
import math
import platform
from importlib import metadata
from pathlib import Path

import torch

from backprop.datfile import format_dat
from backprop.files import (
    AUTOGRAD_DAT,
    MANUAL_DAT,
    RUN_JSON,
    atomic_write,
    prepare_folder,
    sha256,
    staging,
)
from backprop.run import Run


def versions() -> dict[str, str]:
    """The versions that produced a run."""
    try:
        ours = metadata.version("backprop-lab")
    except metadata.PackageNotFoundError:
        ours = "unknown"
    return {"backprop-lab": ours, "python": platform.python_version(), "torch": torch.__version__}


def run_record(run: Run, files: dict[str, str] | None = None) -> dict:
    """run.json's content: config, data, parameters, results; `files` maps name -> sha256."""
    trace = run.manual
    params = {}
    for k, (W, b) in enumerate(zip(run.problem.weights, run.problem.biases), start=1):
        params[f"W{k}"], params[f"b{k}"] = _values(W), _values(b)
    record = {
        "format": "backprop-lab run 1",
        "config": run.config.as_dict(),
        "versions": versions(),
        "conventions": {
            "layer": "z_k = h_{k-1} @ W_k + b_k, h_k = relu(z_k), h_0 = x; W_k is (in, out)",
            "label": "y = sum_i x_i^2 / d, per row of x",
            "loss": "L = sum over the batch of (y_pred - y)^2, y_pred = h_{K+1}",
            "relu_grad_at_0": 0,
        },
        "x": _values(run.problem.x),
        "y": _values(run.problem.y),
        "y_pred": _values(trace.y_pred),
        "loss": _number(float(trace.loss)),
        "params": params,
        "diagnostics": [{"kind": d.kind, "layers": list(d.layers), "message": d.message}
                        for d in run.diagnostics],
        "comparison": {
            "digits": run.comparison[0].digits,
            "agree": run.agree,
            "bitwise": run.bitwise,
            "params": [{"name": a.name, "shape": list(a.shape), "agree": a.agree,
                        "differ": a.differ, "max_abs_error": _number(a.max_abs_error),
                        "max_rel_error": _number(a.max_rel_error), "bitwise": a.bitwise,
                        "nonfinite": a.nonfinite} for a in run.comparison],
        },
        "finite_differences": {
            "rtol": run.fd.rtol,
            "sampled": run.fd.sampled,
            "agree": run.fd.agree,
            "params": [{"name": p.name, "checked": p.checked, "total": p.total,
                        "kinks": p.kinks, "unresolved": p.unresolved, "status": p.status,
                        "max_rel_error": _number(p.max_rel_error)} for p in run.fd.params],
        },
    }
    if files:
        record["files"] = {name: {"sha256": digest} for name, digest in sorted(files.items())}
    return record


def dumps(record: dict) -> str:
    """run.json's text: strict JSON, indented, with each row of numbers on one line."""
    return _dump(record, "") + "\n"


def _dump(value, indent: str) -> str:
    inner = indent + " "
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k)}: {_dump(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and value and isinstance(value[0], (list, dict)):
        items = [inner + _dump(v, inner) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return json.dumps(value, allow_nan=False)


def _number(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)


def _values(tensor: torch.Tensor) -> list:
    """Nested lists of Python floats: exact for float32 and float64 alike."""
    if bool(tensor.isfinite().all()):
        return tensor.tolist()
    return _finite_or_str(tensor.tolist())


def _finite_or_str(value):
    if isinstance(value, list):
        return [_finite_or_str(v) for v in value]
    return _number(value)


def write_run_files(run: Run, folder: str | Path) -> dict[str, Path]:
    """Write torch_autograd.dat, my_autograd.dat and run.json of `run` into `folder`."""
    folder = prepare_folder(folder)
    texts = {
        AUTOGRAD_DAT: format_dat("autograd", run.config, run.autograd.gradients()),
        MANUAL_DAT: format_dat("hand-written", run.config, run.manual.gradients()),
    }
    texts[RUN_JSON] = dumps(run_record(run, {name: sha256(t) for name, t in texts.items()}))
    with staging(folder, texts) as stage:  # the three together: never a .dat of another run
        for name, text in texts.items():
            atomic_write(stage / name, text)
    return {name: folder / name for name in texts}
