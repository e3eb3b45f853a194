"""Pilot: every step shows the run's tensors it is computed from, so its equation can be
checked by hand; dL/dW_k as an outer-product table."""

from __future__ import annotations

from tui_pilot import settle, values_text

from backprop.config import RunConfig
from tui.app import GradTUI
from tui.cells import compact


def _after(lines: list[str], start: str) -> list[str]:
    index = next(i for i, line in enumerate(lines) if line.startswith(start))
    return lines[index:]


async def test_dl_dw_is_an_outer_product_table_of_the_runs_tensors() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p")   # dL/dW_1 = x^T delta_1
        run, step = screen.run, screen.run.steps[screen.cursor]
        lines = _after(values_text(screen).splitlines(), "computed from ")
        assert lines[0] == "computed from x, delta_1"
        assert lines[1].startswith("dL/dW_1[i,j] = x[i] × delta_1[j]")
        delta, x = run.manual.delta[0][0].tolist(), run.problem.x[0].tolist()
        assert lines[2].split() == [compact(v) for v in delta]   # delta_1 along the top
        for i, row in enumerate(step.manual.tolist()):           # x down the left
            assert lines[3 + i].split() == [str(i + 1), compact(x[i]),
                                            *(compact(v) for v in row)]


async def test_delta_shows_dl_dh_and_the_mask_and_z_its_three_inputs() -> None:
    app = GradTUI(RunConfig(K=3))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        run = screen.run
        await pilot.press("end", "p", "p")   # delta_1 = dL/dh_1 * m_1
        lines = _after(values_text(screen).splitlines(), "computed from ")
        assert lines[0] == "computed from dL/dh_1, m_1"
        units = [str(j) for j in range(1, 11)]   # a vector's cells are numbered
        assert _after(lines, "dL/dh_1")[1].split() == _after(lines, "m_1")[1].split() == units
        grad_h = _after(lines, "dL/dh_1")[2].split()
        assert grad_h[1:] == [compact(v) for v in run.manual.grad_h[0][0].tolist()]
        mask = _after(lines, "m_1")[2].split()
        assert mask[1:] == ["on" if v else "off" for v in run.manual.mask[0][0].tolist()]
        await pilot.press("home", "slash", *"z_2", "enter")
        lines = _after(values_text(screen).splitlines(), "computed from ")
        assert lines[0] == "computed from h_1, W_2, b_2"
        weights = _after(lines, "W_2")
        assert weights[2].split()[1:] == [compact(v) for v in run.problem.weights[1][0].tolist()]
        await pilot.press("slash", *"the loss", "enter")
        assert _after(values_text(screen).splitlines(), "computed from ")[0] == \
            "computed from y_pred, y"
