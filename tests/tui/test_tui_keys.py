"""Pilot: each stepping key moves the cursor, the code line and the values as it says."""

from __future__ import annotations

from textual.command import CommandList
from tui_pilot import settle, status_step, text_of, values_text, wait_for

from backprop.config import RunConfig
from backprop.steps import manual_source
from tui.app import GradTUI
from tui.cells import compact
from tui.widgets.code_view import CodeView
from tui.widgets.step_list import StepList


def _check_screen_shows_cursor(screen) -> None:
    """Counter, list highlight, code line and values all show step `screen.cursor`."""
    run, cursor = screen.run, screen.cursor
    step = run.steps[cursor]
    assert status_step(screen) == f"step {cursor + 1}/{len(run.steps)}"
    assert screen.query_one(StepList).highlighted == cursor
    code = screen.query_one(CodeView)
    assert code.current == step.line
    source, first = manual_source()
    assert f"[{step.tag}]" in source.splitlines()[step.line - first]
    pane = screen.query_one("#code-pane")
    assert pane.scroll_y <= step.line - first < pane.scroll_y + pane.size.height
    assert text_of(screen, "#info").startswith(step.symbol)


async def test_next_and_previous_keys_move_one_step() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        assert screen.cursor == 0
        _check_screen_shows_cursor(screen)
        expected = 0
        for key, move in (("n", 1), ("right", 1), ("down", 1), ("space", 1), ("p", -1),
                          ("left", -1), ("up", -1)):
            await pilot.press(key)
            expected += move
            assert screen.cursor == expected, key
            _check_screen_shows_cursor(screen)
        await pilot.press("p")
        assert screen.cursor == 0   # never before the first step
        _check_screen_shows_cursor(screen)


async def test_home_end_and_phase_keys() -> None:
    app = GradTUI(RunConfig(K=3))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        steps = screen.run.steps
        await pilot.press("end")
        assert screen.cursor == len(steps) - 1
        _check_screen_shows_cursor(screen)
        await pilot.press("n")
        assert screen.cursor == len(steps) - 1   # never past the last step
        await pilot.press("home")
        assert screen.cursor == 0
        await pilot.press("b")
        assert steps[screen.cursor].phase == "backward"
        assert steps[screen.cursor - 1].tag == "loss"
        assert steps[screen.cursor].tag == "grad_y_pred"
        _check_screen_shows_cursor(screen)
        await pilot.press("f")
        assert screen.cursor == 0


async def test_the_values_shown_are_the_runs_values() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        for _ in range(3):   # z_1, then h_1 after the mask
            step = screen.run.steps[screen.cursor]
            text = values_text(screen)
            if step.tag != "mask":
                numbers = [compact(v) for v in step.manual.reshape(-1).tolist()]
                assert " ".join(numbers) in " ".join(text.split())
            else:
                cells = ["on" if v else "off" for v in step.manual.reshape(-1).tolist()]
                assert " ".join(cells) in " ".join(text.split())
            await pilot.press("n")


async def test_v_cycles_the_matrix_view_and_l_toggles_the_log_scale() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("end", "p")   # dL/dW_1, a 10x10 matrix: one grid at a time here
        step = screen.run.steps[screen.cursor]
        assert step.tag == "grad_W"
        values = screen.query_one("#values")
        seen = []
        for _ in range(3):
            assert len(values.shown) == 1
            seen.append(values.shown[0])
            first_row = values_text(screen).splitlines()[2].split()
            if values.shown[0] == "difference":
                assert set(first_row[1:]) == {"0"}   # bitwise identical: all differences 0
            else:
                tensor = step.manual if values.shown[0] == "hand-written" else step.autograd
                assert first_row[1:] == [compact(v) for v in tensor[0].tolist()]
            await pilot.press("v")
        assert seen == ["hand-written", "autograd", "difference"]
        assert values.shown == ("hand-written",)
        assert "l: log scale" in values_text(screen)
        await pilot.press("l")
        assert screen.log_scale
        assert "log10 |v|" in values_text(screen)
        assert "l: linear scale" in values_text(screen)


async def test_clicking_a_step_in_the_list_goes_there() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.click("#steps-pane", offset=(3, 5))
        await pilot.pause()
        assert screen.cursor == 5
        _check_screen_shows_cursor(screen)
        await pilot.press("end")   # the list scrolls to its end; a click counts from there
        top = round(screen.query_one("#steps-pane").scroll_y)
        assert top > 0
        await pilot.click("#steps-pane", offset=(3, 2))
        await pilot.pause()
        assert screen.cursor == top + 2
        _check_screen_shows_cursor(screen)


async def test_g_jumps_to_a_layer_in_the_current_phase() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("g", "ctrl+a", "ctrl+k", "4", "enter")
        step = screen.run.steps[screen.cursor]
        assert (step.tag, step.layer) == ("z", 4)
        await pilot.press("b", "g", "ctrl+a", "ctrl+k", "3", "enter")
        step = screen.run.steps[screen.cursor]
        assert (step.tag, step.layer) == ("delta", 3)
        _check_screen_shows_cursor(screen)
        before = screen.cursor
        await pilot.press("g", "ctrl+a", "ctrl+k", "9", "9", "enter")   # no layer 99
        assert "99 is not between 1 and 11" in text_of(app.screen, "#dialog-error")
        await pilot.press("escape")
        assert app.screen is screen and screen.cursor == before


async def test_the_command_palette_jumps_to_a_layer() -> None:
    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Layer 7: backward")
        # The palette searches in a worker: wait until its first match is the command.
        options = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: options.highlighted is not None and str(
            options.get_option_at_index(options.highlighted).prompt).startswith(
                "Layer 7: backward"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        step = screen.run.steps[screen.cursor]
        assert (step.tag, step.layer) == ("delta", 7)


async def test_the_graph_boxes_of_each_step_are_named() -> None:
    from backprop.graph import graph_of_run, nodes_for_step

    app = GradTUI(RunConfig())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        graph = graph_of_run(screen.run, render=False)
        await pilot.press("b", "n")   # delta_11, then dL/dW_11
        for _ in range(2):
            step = screen.run.steps[screen.cursor]
            nodes = nodes_for_step(graph, step)
            assert nodes
            line = next(li for li in text_of(screen, "#info").splitlines()
                        if li.startswith("autograd graph: "))
            assert line.removeprefix("autograd graph: ").split("; ") == [
                f"[{n.number}] {n.label}, layer {n.layer}" for n in nodes]
            await pilot.press("n")
        assert "[6] MmBackward0, layer 11" in line   # dL/dW_11 = h_10^T delta_11: the last Mm


async def test_a_scalar_is_shown_with_every_digit() -> None:
    from backprop.compare import significant

    app = GradTUI(RunConfig(dtype="float64"))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await settle(pilot)
        await pilot.press("b", "p")   # the loss L
        step = screen.run.steps[screen.cursor]
        assert step.tag == "loss"
        caption = values_text(screen).splitlines()[0]
        assert caption.startswith("L (scalar) = ")
        assert significant(step.manual.item(), 17) in caption
