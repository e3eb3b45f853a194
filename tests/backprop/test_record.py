"""run.json holds enough to recompute the gradients with another tool (numpy here)."""

import json

import numpy as np

from backprop.config import RunConfig
from backprop.datfile import read_dat
from backprop.record import write_run_files
from backprop.run import compute_run


def numpy_gradients(record):
    """An independent backward pass in float64 numpy, from run.json alone."""
    n = record["config"]["K"] + 1
    W = [np.array(record["params"][f"W{k}"]) for k in range(1, n + 1)]
    b = [np.array(record["params"][f"b{k}"]) for k in range(1, n + 1)]
    x, y = np.array(record["x"]), np.array(record["y"])
    hs, zs = [x], []
    for Wk, bk in zip(W, b):
        zs.append(hs[-1] @ Wk + bk)
        hs.append(np.maximum(zs[-1], 0))
    grad = 2 * (hs[-1] - y)
    out = {}
    for k in range(n, 0, -1):
        delta = grad * (zs[k - 1] > 0)
        out[f"W{k}"], out[f"b{k}"] = hs[k - 1].T @ delta, delta.sum(axis=0, keepdims=True)
        grad = delta @ W[k - 1].T
    return out


def test_run_json_recomputes_the_gradients(tmp_path):
    run = compute_run(RunConfig(K=4, d=6, batch=3, seed=5, init="kaiming"))
    files = write_run_files(run, tmp_path)
    record = json.loads(files["run.json"].read_text())
    assert record["config"] == run.config.as_dict()
    assert record["loss"] == float(run.manual.loss)
    ours = read_dat(files["my_autograd.dat"]).gradients
    for name, theirs in numpy_gradients(record).items():
        assert np.allclose(ours[name].double().numpy(), theirs, rtol=1e-4,
                           atol=1e-6 * np.abs(theirs).max()), name


def test_run_json_is_complete_and_strict(tmp_path):
    run = compute_run(RunConfig(K=80, seed=4))  # overflows: non-finite values appear
    files = write_run_files(run, tmp_path)
    text = files["run.json"].read_text()
    record = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert [d["kind"] for d in record["diagnostics"]] == ["overflow"]
    assert set(record["files"]) == {"torch_autograd.dat", "my_autograd.dat"}
    assert record["versions"]["torch"]
    assert len(record["comparison"]["params"]) == 2 * 81
    assert record["finite_differences"]["params"][0]["name"] == "W1"
