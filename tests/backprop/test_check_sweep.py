"""The sweep exposes what the default run cannot; the smallest failure and its command."""

import json

import pytest
import torch

from backprop import check
from backprop.check.core import reference
from backprop.check.mutants import mutant
from backprop.check.sweep import options, size_key, sweep_configs
from backprop.config import INITS, RunConfig
from backprop.datfile import read_dat
from cli.check import write_check_files
from cli.gradreport import main


@pytest.fixture(scope="module")
def traces():
    return [reference(config)[1] for config in sweep_configs()]


def test_the_sweep_is_fixed_and_covers_what_the_issue_lists():
    configs = sweep_configs()
    assert configs == sweep_configs() and len(configs) >= 50
    assert len(set(configs)) == len(configs)
    assert any(c.K == 1 for c in configs) and any(c.d == 1 for c in configs)
    assert sum(c.batch > 1 for c in configs) >= 10
    assert sum(c.dtype == "float64" for c in configs) >= 5
    assert {c.init for c in configs} == set(INITS)
    assert max(c.K for c in configs) == 12 and max(c.d for c in configs) == 24
    assert RunConfig() in configs   # the default run again: what accumulates shows there


def test_the_sweep_has_dead_and_live_outputs_and_dead_hidden_units(traces):
    dead_output = sum(bool((t.z[-1] <= 0).all()) for t in traces)
    live_output = sum(bool((t.z[-1] > 0).all()) for t in traces)
    dead_hidden = sum(any(bool((z <= 0).all(dim=0).any()) for z in t.z[:-1]) for t in traces)
    assert dead_output >= 5 and live_output >= 5 and dead_hidden >= 20


def test_options_leave_defaults_out():
    assert options(RunConfig(K=1, d=1, seed=3)) == "-K 1 -d 1 --seed 3"
    assert options(RunConfig(K=2, d=3, batch=4, seed=0, init="xavier", dtype="float64")) == \
        "-K 2 -d 3 --batch 4 --seed 0 --init xavier --dtype float64"


def test_the_smallest_failing_config_is_fewest_layers_then_width_then_batch():
    result = check(mutant("bias_mean"))
    failing = [row.config for row in result.sweep if not row.agree]
    assert result.smallest == min(failing, key=size_key)
    assert result.smallest.batch > 1
    c = result.smallest
    assert result.command == (f"check(backward_bias_mean, RunConfig(K={c.K}, d={c.d}, "
                              f"batch={c.batch}, seed={c.seed}), sweep=False)")
    again = check(mutant("bias_mean"), result.smallest, sweep=False)
    assert not again.agree   # the command's config fails by itself


def test_the_files_are_the_homework_s_deliverable_and_compare_reads_them(tmp_path, capsys):
    result = check(mutant("no_output_mask"), RunConfig(K=1, d=1, seed=2))
    written = write_check_files(result, str(tmp_path))
    assert sorted(p.rsplit("/", 1)[1] for p in written) == \
        ["check.json", "my_autograd.dat", "torch_autograd.dat"]
    mine = read_dat(tmp_path / "my_autograd.dat")
    assert mine.pass_name == "hand-written" and mine.config == result.config
    assert torch.equal(mine.gradients["W2"], result.gradients["W2"])
    assert main(["compare", str(tmp_path / "my_autograd.dat"),
                 str(tmp_path / "torch_autograd.dat")]) == 1
    record = json.loads((tmp_path / "check.json").read_text())
    assert record["sentences"] == result.sentences()
    assert record["diagnosis"]["mistakes"] == [["no_output_mask"]]
    assert record["exit_status"] == 1
