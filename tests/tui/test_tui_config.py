"""Pilot: r, s, i and t recompute the run in a worker and keep the cursor; e exports."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import torch
from tui_pilot import settle, text_of

from backprop.config import MAX_SEED, RunConfig
from backprop.files import AUTOGRAD_DAT, MANUAL_DAT, RUN_JSON
from cli.gradreport import main as gradreport
from tui.app import GradTUI


async def test_i_cycles_the_init_and_recomputes_at_the_same_step() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p", "p")
        cursor, before = screen.cursor, screen.run.steps[screen.cursor].manual
        for init in ("kaiming", "xavier", "randn"):
            await pilot.press("i")
            screen = await settle(pilot)
            assert screen.run.config.init == init
            assert screen.cursor == cursor
            assert f" {init} " in text_of(screen, "#status")
        assert torch.equal(screen.run.steps[cursor].manual, before)   # back to randn


async def test_t_toggles_the_dtype() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("n", "n", "n", "t")
        screen = await settle(pilot)
        assert screen.run.config.dtype == "float64" and screen.cursor == 3
        assert screen.run.steps[3].manual.dtype == torch.float64
        assert "float64" in text_of(screen, "#info")
        await pilot.press("t")
        screen = await settle(pilot)
        assert screen.run.config.dtype == "float32"


async def test_r_draws_a_new_x_and_keeps_the_parameters() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        old = screen.run
        await pilot.press("r")
        screen = await settle(pilot)
        new = screen.run
        assert new.config == dataclasses.replace(old.config, draw=1)
        assert not torch.equal(new.problem.x, old.problem.x)
        assert all(torch.equal(a, b) for a, b in zip(new.problem.weights, old.problem.weights,
                                                     strict=True))
        assert "draw=1" in text_of(screen, "#status")


async def test_s_asks_for_a_seed_and_refuses_a_bad_one() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("s", "ctrl+a", "ctrl+k", "enter")
        assert text_of(app.screen, "#dialog-error") == f"Type a whole number from 0 to {MAX_SEED}."
        await pilot.press("-", "3")
        assert app.screen.query_one("#dialog-input").value == "3"   # the minus was refused
        assert text_of(app.screen, "#dialog-error").startswith("Only the digits 0-9 can be")
        assert app.screen.query_one("#dialog-error").size.height == 2   # wrapped, not cut
        await pilot.press("escape")
        assert app.screen is screen and screen.config.seed == 2
        await pilot.press("s", "ctrl+a", "ctrl+k", "7", "enter")
        screen = await settle(pilot)
        assert screen.run.config.seed == 7


async def test_a_config_change_that_cannot_be_made_says_why() -> None:
    app = GradTUI(RunConfig(K=2, draw=MAX_SEED))   # r would ask for draw MAX_SEED + 1
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert app.is_running and screen.config == RunConfig(K=2, draw=MAX_SEED)
        (note,) = app._notifications
        assert note.severity == "error"
        assert note.message == (f"draw must be between 0 and {MAX_SEED}, "
                                f"not {MAX_SEED + 1}.")
        assert "computing" not in text_of(screen, "#status")
        await pilot.press("n")   # and the app goes on
        assert screen.cursor == 1


async def test_a_dead_network_shows_a_red_banner_with_its_sentence() -> None:
    app = GradTUI(RunConfig(seed=0))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settle(pilot)
        banner = screen.query_one("#banner")
        assert banner.display and banner.has_class("-severe")
        (dead,) = [d for d in screen.run.diagnostics if d.kind == "dead-output"]
        assert dead.message in " ".join(text_of(screen, "#banner").split())
        assert "DEAD OUTPUT" in text_of(screen, "#banner")
        await pilot.press("s", "ctrl+a", "ctrl+k", "2", "enter")   # a live seed: banner gone
        screen = await settle(pilot)
        assert not screen.run.diagnostics and not banner.display


@pytest.mark.parametrize(("config", "kind", "severe"), [
    (RunConfig(K=70, seed=3), "overflow", True),
    (RunConfig(K=70, seed=2), "dead-layer", False),
])
async def test_other_diagnostics_show_their_banner(config: RunConfig, kind: str,
                                                   severe: bool) -> None:
    app = GradTUI(config)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        assert [d.kind for d in screen.run.diagnostics] == [kind]
        assert kind.upper().replace("-", " ") in text_of(screen, "#banner")
        assert screen.run.diagnostics[0].message in " ".join(text_of(screen, "#banner").split())
        assert screen.query_one("#banner").display
        assert screen.query_one("#banner").has_class("-severe") == severe


async def _export(app: GradTUI):
    """Press e once the run is shown; the one notification it gives."""
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (note,) = app._notifications
        return note


async def test_e_exports_to_build_the_same_files_as_gradreport_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    note = await _export(GradTUI(RunConfig()))   # the default folder: build/
    assert f"build/{RUN_JSON}" in note.message
    assert gradreport(["build", "--out", "report", "-q"]) == 0
    for name in (AUTOGRAD_DAT, MANUAL_DAT, RUN_JSON):
        assert (tmp_path / "build" / name).read_bytes() == \
            (tmp_path / "report" / name).read_bytes(), name


async def test_e_exports_any_config_as_gradreport_build_does(tmp_path: Path) -> None:
    config = RunConfig(K=2, d=3, seed=5, init="xavier", dtype="float64", draw=2)
    ours, theirs = tmp_path / "tui", tmp_path / "report"
    note = await _export(GradTUI(config, out=str(ours)))
    assert note.severity == "information" and "seed=5 xavier float64 draw=2" in note.title
    args = ["build", "--out", str(theirs), "-q", "-K", "2", "-d", "3", "--seed", "5",
            "--init", "xavier", "--dtype", "float64", "--draw", "2"]
    assert gradreport(args) == 0
    for name in (AUTOGRAD_DAT, MANUAL_DAT, RUN_JSON):
        assert (ours / name).read_bytes() == (theirs / name).read_bytes(), name


async def test_an_export_that_cannot_be_written_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    note = await _export(GradTUI(RunConfig(K=1, d=2), out=str(blocker)))
    assert note.severity == "error"
    assert "it is a file, not a folder" in note.message
    assert blocker.read_text() == "not a folder"
