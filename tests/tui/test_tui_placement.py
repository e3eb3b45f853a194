"""Placement: every entry's line and column is where the grid drew its number, in every
arrangement, and the entry found under a point is the one drawn there."""

from __future__ import annotations

import pytest

from tui.cells import compact
from tui.grid import arrange, blocks_for


def _values(rows: int, cols: int) -> list[list[float]]:
    return [[(i + 1) * 1000.0 + j + 1 for j in range(cols)] for i in range(rows)]


CASES = [  # (rows, cols, width, height, pair): each arrangement arrange() makes
    pytest.param(1, 10, 76, 20, False, id="three vectors stacked"),
    pytest.param(1, 23, 40, 40, False, id="a wrapped vector"),
    pytest.param(10, 10, 240, 14, False, id="three matrices side by side"),
    pytest.param(10, 10, 76, 14, False, id="one matrix at a time"),
    pytest.param(64, 64, 96, 20, False, id="colour-only cells"),
    pytest.param(10, 10, 146, 30, True, id="the passes paired, the difference below"),
    pytest.param(4, 3, 60, 60, False, id="three small matrices stacked"),
]


@pytest.mark.parametrize(("rows", "cols", "width", "height", "pair"), CASES)
def test_every_entry_is_drawn_where_it_is_placed(rows, cols, width, height, pair) -> None:
    manual = _values(rows, cols)
    autograd = [[v + 0.5 for v in row] for row in manual]
    blocks = blocks_for(manual, autograd, False, False)
    result = arrange(blocks, 1, width, height, pair)
    assert result.places and len(result.places) == (1 if result.one_at_a_time else 3)
    for place in result.places:
        block = blocks[place.block]
        for r in range(rows):
            for c in range(cols):
                line, x = place.spot(r, c)
                assert place.entry_at(line, x + place.shape.cell - 1) == (r, c)
                assert place.entry_at(line, x) == (r, c)
                drawn = result.lines[line].plain[x:x + place.shape.cell]
                if result.numbers and place.shape.cell > 2:
                    assert drawn.strip() == compact(block.rows[r][c], place.shape.cell - 1)
                else:
                    assert drawn.strip() == ""   # a colour-only cell
                span = result.lines[line].spans   # and the cell is coloured, there
                assert any(s.start <= x < s.end for s in span)


def test_no_entry_under_a_title_a_label_or_the_column_numbers() -> None:
    values = _values(3, 4)
    result = arrange(blocks_for(values, values, False, False), 0, 60, 60)
    place = result.places[0]
    assert place.entry_at(place.top, 5) is None          # the title
    assert place.entry_at(place.top + 1, 5) is None      # the column numbers
    first, x = place.spot(0, 0)
    assert place.entry_at(first, 0) is None               # the row label
    assert place.entry_at(first, x + 4 * place.shape.cell) is None   # right of the grid
    assert place.entry_at(first + 3, x) is None           # below the last row
