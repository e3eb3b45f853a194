"""`gradreport graph SCRIPT.py --depth N --expand NAME`, as a user meets it."""

from __future__ import annotations

import json
import re

import pytest
from support import gradreport

SCRIPT = """
import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.Tanh(), nn.Linear(4, 2)))
loss = model(torch.rand(5, 3)).pow(2).mean()
"""


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    path = tmp_path_factory.mktemp("script") / "net.py"
    path.write_text(SCRIPT)
    return path


def one_sentence(ran, *words: str) -> str:
    """The single stderr line of a refused command, with exit status 2."""
    assert ran.returncode == 2, ran
    assert ran.stderr.count("\n") == 1 and "Traceback" not in ran.stderr, ran.stderr
    assert ran.stderr.startswith("gradreport: ") and ran.stderr.endswith(".\n"), ran.stderr
    for word in words:
        assert word in ran.stderr, ran.stderr
    return ran.stderr


def test_depth_draws_modules_collapsed_beside_the_whole_drawing(script, tmp_path):
    whole = gradreport("graph", script, "--out", tmp_path / "a", "-q")
    assert whole.returncode == 0, whole.stderr
    assert not (tmp_path / "a" / "graph-full.svg").exists()  # legible whole: drawn whole
    assert whole.stdout.splitlines()[-1].startswith("graph.svg draws every box (its text")
    ran = gradreport("graph", script, "--out", tmp_path / "b", "-q", "--depth", "1")
    assert ran.returncode == 0, ran.stderr
    b = tmp_path / "b"
    assert (b / "graph-full.dot").read_text() == (tmp_path / "a" / "graph.dot").read_text()
    assert (b / "graph-full.svg").read_text() == (tmp_path / "a" / "graph.svg").read_text()
    assert re.findall(r'label="(\d+ \(\w+\))', (b / "graph.dot").read_text()) == [
        "0 (Linear)", "1 (Sequential)"]
    assert "1 (Sequential)" in (b / "graph.svg").read_text()
    wrote, said = ran.stdout.splitlines()[-2:]
    assert wrote.endswith(f"{b}/graph-full.svg, {b}/graph-full.dot")
    assert said.startswith("graph.svg draws the modules at depth 1 collapsed (its text")
    again = gradreport("graph", script, "--out", b, "-q")  # no older view is left behind
    assert again.returncode == 0 and not (b / "graph-full.svg").exists()


def test_the_table_and_graph_json_do_not_depend_on_the_drawing(script, tmp_path):
    runs = {}
    for name, extra in {"whole": [], "1": ["--depth", "1"], "2": ["--depth", "2"],
                        "open": ["--expand", "1.1"]}.items():
        ran = gradreport("graph", script, "--out", tmp_path / name, "-q", *extra)
        assert ran.returncode == 0, ran.stderr
        table = ran.stdout.split("\nwrote ")[0]
        runs[name] = (table, (tmp_path / name / "graph.json").read_text())
    assert len(set(runs.values())) == 1
    nodes = json.loads(runs["whole"][1])["nodes"]
    assert [n["number"] for n in nodes] == list(range(1, len(nodes) + 1))
    dots = {name: (tmp_path / name / "graph.dot").read_text() for name in runs}
    assert len(set(dots.values())) == 4  # the drawings do differ


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_depth_is_one_sentence(script, tmp_path, value):
    ran = gradreport("graph", script, "--out", tmp_path, "-q", f"--depth={value}")
    one_sentence(ran, "--depth", repr(value))
    assert not any(tmp_path.iterdir())


def test_expanding_a_module_that_does_not_exist_names_the_nearest(script, tmp_path):
    ran = gradreport("graph", script, "--out", tmp_path / "r", "-q", "--expand", "1.2")
    one_sentence(ran, "'1.2': no module has that name; the nearest are 1.1, 1.0")
    assert not (tmp_path / "r").exists()  # the folder it made is removed again


@pytest.mark.parametrize("option", [["--expand", "layer1"], ["--depth", "2"]])
def test_the_default_network_has_no_modules_to_collapse(tmp_path, option):
    ran = gradreport("graph", "--out", tmp_path, "-q", *option)
    one_sentence(ran, option[0], "no script was given", "the default network has no modules")
