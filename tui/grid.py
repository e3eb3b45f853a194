"""Tensors as grids of coloured cells, and how the grids of one step share a pane.

A step has three grids: the hand-written value, autograd's and their difference. When
all three fit (stacked or side by side) they are all shown; otherwise one at a time,
the one `view` names. Numbers are shown while a grid fits the width; a wider grid
(d = 64) falls back to colour-only cells and scrolls. On a wide terminal the two passes
stand side by side with their difference below, whatever the height.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.content import Content

from tui.cells import NUMBER_WIDTH, Scale, compact, mask_style
from tui.placement import Place, Shape, shape_of

VIEWS = ("hand-written", "autograd", "difference")
NUMBER_CELL = NUMBER_WIDTH + 1   # a number right-aligned in its cell, one space before it
TINY_CELL = 2                    # a colour-only cell
GAP = 2                          # columns between grids placed side by side
PAIR_GAP = 1                     # between the two passes' grids (their row numbers part them)


@dataclass(frozen=True)
class Block:
    """One grid to draw: a title and the values (floats, or bools for a ReLU mask)."""

    title: str
    rows: list[list[float]] | list[list[bool]]
    scale: Scale | None          # None for a mask
    short: tuple[str, ...] = ()  # shorter titles, longest first, for a narrow grid
    words: tuple[str, str] = ("on", "off")   # a mask's cells: true, false

    def title_for(self, width: int) -> str:
        """The longest of the titles that fits in `width` (the shortest, cut, if none does)."""
        titles = (self.title, *self.short)
        return next((t for t in titles if len(t) <= width), titles[-1][:max(width, 1)])


def blocks_for(manual: list[list], autograd: list[list], is_mask: bool, log: bool) -> list[Block]:
    """The three grids of a step, in VIEWS order; the two passes share one scale."""
    if is_mask:
        diff = [[a != b for a, b in zip(ra, rb, strict=True)]
                for ra, rb in zip(manual, autograd, strict=True)]
        return [Block("hand-written", manual, None), Block("autograd", autograd, None),
                Block("difference (≠ where they differ)", diff, None,
                      ("≠ where they differ", "difference"), words=("≠", "="))]
    scale = Scale.of(manual + autograd, log)
    diff = [[_difference(a, b) for a, b in zip(ra, rb, strict=True)]
            for ra, rb in zip(manual, autograd, strict=True)]
    return [Block("hand-written", manual, scale), Block("autograd", autograd, scale),
            Block("difference: hand-written − autograd", diff, Scale.of(diff, log),
                  ("hand-written − autograd", "difference"))]


def _difference(a: float, b: float) -> float:
    """a - b; nan where either is inf or nan: such entries cannot be compared (even inf
    against the same inf), and the grid draws them in magenta like the values."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.nan
    return a - b


def _cell_width(numbers: bool, cell: int | None) -> int:
    return cell or (NUMBER_CELL if numbers else TINY_CELL)


def grid_shape(block: Block, numbers: bool, wrap: int, cell: int | None = None) -> Shape:
    """How `block` is cut into lines at `wrap` with numbers or colour-only cells."""
    return shape_of(len(block.rows), len(block.rows[0]), _cell_width(numbers, cell), wrap)


def block_size(block: Block, numbers: bool, wrap: int,
               cell: int | None = None) -> tuple[int, int]:
    """(width, height) of `block` drawn with numbers or colour-only cells (`cell` wide)."""
    shape = grid_shape(block, numbers, wrap, cell)
    width = max(shape.label + shape.per_line * shape.cell, len(block.title_for(wrap)))
    return width, 1 + shape.height


def render_block(block: Block, numbers: bool, wrap: int, title: bool = True,
                 cell: int | None = None) -> list[Content]:
    """The lines of one grid: a title, column numbers, then the cells (a row vector's lines
    each under the numbers of its own cells)."""
    shape = grid_shape(block, numbers, wrap, cell)
    label, cell, per_line = shape.label, shape.cell, shape.per_line
    rows = block.rows
    lines = [Content.styled(block.title_for(wrap), "bold")] if title else []
    if len(rows) > 1:
        lines.append(_header(1, len(rows[0]), label, cell, numbers))
    for i, row in enumerate(rows, start=1):
        for start in range(0, len(row), per_line):
            if len(rows) == 1 and shape.header:
                lines.append(_header(start + 1, min(start + per_line, len(row)), label, cell,
                                     numbers))
            name = str(i) if len(rows) > 1 else str(start + 1)
            parts: list = [(name.rjust(label - 1) + " ", "dim")]
            for value in row[start:start + per_line]:
                parts.append(_cell(value, block.scale, cell, numbers, block.words))
            lines.append(Content.assemble(*parts))
    return lines


def _cell(value: float | bool, scale: Scale | None, cell: int, numbers: bool,
          words: tuple[str, str] = ("on", "off")) -> tuple:
    if scale is None:
        text = (words[0] if value else words[1]) if numbers else ""
        return text.rjust(cell), mask_style(bool(value))
    text = compact(float(value), cell - 1) if numbers else ""
    return text.rjust(cell), scale.style(float(value))


def _header(first: int, last: int, label: int, cell: int, numbers: bool) -> Content:
    """Column numbers first..last: each with numbers; every tenth with colour-only cells."""
    if numbers:
        text = "".join(str(j).rjust(cell) for j in range(first, last + 1))
    else:
        marks = [" " * cell] * (last - first + 1)
        for j in range(first, last + 1):
            if j == first or j % 10 == 0:
                marks[j - first] = str(j).ljust(cell)[:cell] if j < 100 else "·".ljust(cell)
        text = "".join(marks)
    return Content.styled(" " * label + text, "dim")


@dataclass(frozen=True)
class Arrangement:
    """The lines to draw and whether only one of the three grids is among them."""

    lines: list[Content]
    one_at_a_time: bool
    numbers: bool
    # (line of a matrix's column numbers, last line of its grid): the numbers stay in view
    # while the grid below them is scrolled.
    headers: tuple[tuple[int, int], ...] = ()
    places: tuple[Place, ...] = ()   # where each grid shown was put, for the cell cursor


def arrange(blocks: list[Block], view: int, width: int, height: int,
            pair: bool = False) -> Arrangement:
    """Fit the grids in width x height: all three if they fit, else blocks[view] alone.

    With `pair` (a wide terminal) the two passes stand side by side, the difference below,
    however tall that is: the pane scrolls.
    """
    width, height = max(width, 8), max(height, 1)
    side_wrap = max(8, (width - 2 * GAP) // len(blocks))
    matrix = len(blocks[0].rows) > 1
    paired = _pair(blocks, width) if pair else None
    if paired is not None:
        return paired
    for numbers in (True, False):
        sizes = [block_size(b, numbers, width) for b in blocks]
        if max(w for w, _ in sizes) <= width and sum(h for _, h in sizes) + 2 <= height:
            rendered = [render_block(b, numbers, width) for b in blocks]
            tops = _stacked_tops(rendered)
            places = tuple(Place(i, top, 0, grid_shape(b, numbers, width), True)
                           for i, (b, top) in enumerate(zip(blocks, tops, strict=True)))
            return Arrangement(_stack(rendered), False, numbers, tuple(
                (top + 1, top + len(r) - 1) for top, r in zip(tops, rendered, strict=True))
                if matrix else (), places)
        sizes = [block_size(b, numbers, side_wrap) for b in blocks]
        if (sum(w for w, _ in sizes) + GAP * (len(blocks) - 1) <= width
                and max(h for _, h in sizes) <= height):
            rendered = [render_block(b, numbers, side_wrap) for b in blocks]
            lines = _side_by_side(rendered, [w for w, _ in sizes])
            lefts = [sum(w + GAP for w, _ in sizes[:i]) for i in range(len(blocks))]
            places = tuple(Place(i, 0, left, grid_shape(b, numbers, side_wrap), True)
                           for i, (b, left) in enumerate(zip(blocks, lefts, strict=True)))
            return Arrangement(lines, False, numbers, ((1, len(lines) - 1),) if matrix else (),
                               places)
        if numbers and block_size(blocks[view], True, width)[0] <= width:
            return _alone(blocks, view, True, width)
    # One grid at a time: the caption above names it, so the grid has no title of its own.
    return _alone(blocks, view, False, width)


def _alone(blocks: list[Block], view: int, numbers: bool, width: int) -> Arrangement:
    """blocks[view] alone, without its title."""
    lines = render_block(blocks[view], numbers, width, title=False)
    place = Place(view, 0, 0, grid_shape(blocks[view], numbers, width), False)
    return Arrangement(lines, True, numbers,
                       ((0, len(lines) - 1),) if len(blocks[0].rows) > 1 else (), (place,))


def _pair(blocks: list[Block], width: int) -> Arrangement | None:
    """Hand-written and autograd side by side, the difference below; None if they do not fit
    side by side with numbers, in cells of the usual width or one narrower."""
    wrap = max(8, (width - PAIR_GAP) // 2)
    for cell in (NUMBER_CELL, NUMBER_CELL - 1):
        sizes = [block_size(b, True, wrap, cell) for b in blocks[:2]]
        if sum(w for w, _ in sizes) + PAIR_GAP > width:
            continue
        pair = _side_by_side([render_block(b, True, wrap, cell=cell) for b in blocks[:2]],
                             [w for w, _ in sizes], PAIR_GAP)
        numbers = block_size(blocks[2], True, width, cell)[0] <= width
        below = cell if numbers else None
        difference = render_block(blocks[2], numbers, width, cell=below)
        lines = _stack([pair, difference])
        headers = ((1, len(pair) - 1), (len(pair) + 2, len(lines) - 1))
        places = (Place(0, 0, 0, grid_shape(blocks[0], True, wrap, cell), True),
                  Place(1, 0, sizes[0][0] + PAIR_GAP, grid_shape(blocks[1], True, wrap, cell),
                        True),
                  Place(2, len(pair) + 1, 0, grid_shape(blocks[2], numbers, width, below), True))
        return Arrangement(lines, False, True, headers if len(blocks[0].rows) > 1 else (),
                           places)
    return None


def _stacked_tops(rendered: list[list[Content]]) -> list[int]:
    """The first line of each grid stacked by _stack: one blank line between them."""
    tops, top = [], 0
    for block in rendered:
        tops.append(top)
        top += len(block) + 1
    return tops


def _stack(rendered: list[list[Content]]) -> list[Content]:
    lines: list[Content] = []
    for block in rendered:
        if lines:
            lines.append(Content(""))
        lines.extend(block)
    return lines


def _side_by_side(rendered: list[list[Content]], widths: list[int],
                  gap: int = GAP) -> list[Content]:
    height = max(len(block) for block in rendered)
    lines = []
    for y in range(height):
        parts: list = []
        for x, (block, width) in enumerate(zip(rendered, widths, strict=True)):
            line = block[y] if y < len(block) else Content("")
            if x < len(rendered) - 1:
                line = line.pad_right(width + gap - line.cell_length)
            parts.append(line)
        lines.append(Content.assemble(*parts))
    return lines
