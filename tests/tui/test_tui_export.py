"""Pilot: e does not silently replace the files of a different run in --out."""

from __future__ import annotations

import json
from pathlib import Path

from tui_pilot import settle, wait_for

from backprop.config import RunConfig
from backprop.files import RUN_JSON
from tui.app import GradTUI


def _seed_written(out: Path) -> int:
    return json.loads((out / RUN_JSON).read_text())["config"]["seed"]


async def test_e_asks_again_before_replacing_another_runs_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    app = GradTUI(RunConfig(K=2, d=3), out=str(out))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: (out / RUN_JSON).exists())
        assert _seed_written(out) == 2
        await pilot.press("s", "ctrl+a", "ctrl+k", "7", "enter")
        screen = await settle(pilot)
        assert screen.run.config.seed == 7
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        note = list(app._notifications)[-1]
        assert note.title == "Not exported" and "holds the files of another run" in note.message
        assert "seed=2" in note.message and _seed_written(out) == 2   # nothing replaced
        await pilot.press("e")   # the confirmation
        await wait_for(pilot, lambda: _seed_written(out) == 7)
        await pilot.press("e")   # the same run again: written without asking
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert list(app._notifications)[-1].title != "Not exported"
