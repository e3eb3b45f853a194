"""Grids: every value drawn in its cell, and the three grids of a step fitted to the pane."""

from __future__ import annotations

import math

from tui.cells import compact
from tui.grid import NUMBER_CELL, TINY_CELL, arrange, blocks_for, render_block


def _matrix(rows: int, cols: int) -> list[list[float]]:
    return [[(-1) ** (i + j) * 10.0 ** ((i * cols + j) % 9) for j in range(cols)]
            for i in range(rows)]


def _cells(line: str, label: int) -> list[str]:
    return line[label:].split()


def test_a_matrix_shows_every_value_in_row_order() -> None:
    values = _matrix(4, 5)
    block = blocks_for(values, values, is_mask=False, log=False)[0]
    lines = [line.plain for line in render_block(block, numbers=True, wrap=200)]
    assert lines[0] == "hand-written"
    assert lines[1].split() == ["1", "2", "3", "4", "5"]
    for i, row in enumerate(values):
        assert lines[2 + i].split() == [str(i + 1)] + [compact(v) for v in row]


def test_a_vector_wraps_each_line_under_its_unit_numbers() -> None:
    vector = [[float(j) * 1.5 for j in range(1, 24)]]
    block = blocks_for(vector, vector, is_mask=False, log=False)[1]
    lines = [line.plain for line in render_block(block, numbers=True, wrap=3 + 10 * NUMBER_CELL)]
    assert lines[0] == "autograd"
    headers, cells = lines[1::2], lines[2::2]
    assert [h.split() for h in headers] == [[str(j) for j in range(1, 11)],
                                            [str(j) for j in range(11, 21)], ["21", "22", "23"]]
    assert [line.split()[0] for line in cells] == ["1", "11", "21"]   # its first index
    for header, line in zip(headers, cells, strict=True):   # each number above its cell
        for number in header.split():
            end = header.index(f" {number}") + 1 + len(number)
            assert line[:end].split()[-1] == compact(vector[0][int(number) - 1])
    shown = [cell for line in cells for cell in line.split()[1:]]
    assert shown == [compact(v) for v in vector[0]]


def test_the_difference_is_hand_written_minus_autograd() -> None:
    manual, autograd = [[1.0, 5.0, math.inf, math.nan, 2.0]], [[1.0, 3.0, math.inf, math.nan,
                                                               -math.inf]]
    diff = blocks_for(manual, autograd, is_mask=False, log=False)[2]
    assert diff.rows[0][:2] == [0.0, 2.0]
    # inf and nan have no difference to show, even against the same value: drawn as nan.
    assert all(math.isnan(v) for v in diff.rows[0][2:])
    assert diff.scale is not None and diff.scale.nonfinite == 3


def test_a_narrow_grid_gets_a_shorter_title_not_a_cut_one() -> None:
    one = [[0.25]]
    blocks = blocks_for(one, one, is_mask=False, log=False)
    result = arrange(blocks, 0, 76, 4)   # a short 80-column pane: three 1x1 grids side by side
    assert not result.one_at_a_time
    titles = result.lines[0].plain.split("  ")
    assert [t.strip() for t in titles if t.strip()] == [
        "hand-written", "autograd", "hand-written − autograd"]
    assert render_block(blocks[2], True, 40)[0].plain == "difference: hand-written − autograd"
    assert render_block(blocks[2], True, 12)[0].plain == "difference"
    assert render_block(blocks[2], True, 5)[0].plain == "diffe"   # no title fits: cut
    mask = blocks_for([[True]], [[True]], is_mask=True, log=False)[2]
    assert render_block(mask, True, 25)[0].plain == "≠ where they differ"


def test_a_mask_shows_on_and_off_cells_and_where_the_passes_differ() -> None:
    manual, autograd = [[True, False, True]], [[True, False, False]]
    blocks = blocks_for(manual, autograd, is_mask=True, log=False)
    assert all(b.scale is None for b in blocks)
    assert render_block(blocks[0], True, 80)[2].plain.split() == ["1", "on", "off", "on"]
    assert render_block(blocks[2], True, 80)[2].plain.split() == ["1", "=", "=", "≠"]


def test_small_vectors_show_all_three_grids() -> None:
    vector = [[0.5 * j for j in range(10)]]
    result = arrange(blocks_for(vector, vector, False, False), 0, 76, 12)
    assert not result.one_at_a_time and result.numbers
    heads = ("hand", "auto", "diff")
    titles = [line.plain for line in result.lines if line.plain.startswith(heads)]
    assert [t.split()[0] for t in titles] == ["hand-written", "autograd", "difference:"]


def test_a_ten_by_ten_matrix_shows_one_grid_at_a_time_when_short() -> None:
    values = _matrix(10, 10)
    blocks = blocks_for(values, values, False, False)
    for view in range(3):
        result = arrange(blocks, view, 76, 14)
        assert result.one_at_a_time and result.numbers
        # The caption names the grid shown; the grid starts with its column numbers.
        assert result.lines[0].plain.split() == [str(j) for j in range(1, 11)]
        shown = [line.plain.split()[1:] for line in result.lines[1:]]
        assert shown == [[compact(v) for v in row] for row in blocks[view].rows]
        assert max(line.cell_length for line in result.lines) <= 76


def test_a_ten_by_ten_matrix_shows_all_three_side_by_side_when_wide() -> None:
    values = _matrix(10, 10)
    result = arrange(blocks_for(values, values, False, False), 0, 240, 14)
    assert not result.one_at_a_time
    assert "hand-written" in result.lines[0].plain and "autograd" in result.lines[0].plain


def test_a_wide_matrix_falls_back_to_colour_only_cells() -> None:
    values = _matrix(64, 64)
    result = arrange(blocks_for(values, values, False, True), 1, 96, 20)
    assert result.one_at_a_time and not result.numbers
    assert result.lines[1].cell_length == 3 + 64 * TINY_CELL
    assert len(result.lines) == 1 + 64


def test_every_size_from_one_to_sixty_four_fits_or_scrolls_without_error() -> None:
    for d in (1, 2, 7, 10, 33, 64):
        for rows in (1, d):
            values = _matrix(rows, d)
            for width, height in ((56, 8), (76, 10), (100, 20)):
                result = arrange(blocks_for(values, values, False, False), 2, width, height)
                assert result.lines
                if rows == 1:   # vectors wrap: never wider than the pane
                    assert max(line.cell_length for line in result.lines) <= width
