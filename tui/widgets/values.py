"""ValuesView: the current step's tensors as coloured grids, laid out to fit the pane.

With the focus it has a cell cursor: the arrow keys (or a click) put it on an entry, drawn
reversed in every grid shown, and the widget says so with a `CellMoved` message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import BindingType
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from tui.grid import VIEWS, Arrangement, Block, arrange, blocks_for
from tui.inputs import input_lines
from tui.widgets.cell_cursor import CURSOR, CURSOR_BINDINGS, CellCursor

if TYPE_CHECKING:
    import torch

    from backprop.inputs import Inputs
    from backprop.steps import Step


def as_rows(tensor: torch.Tensor) -> list[list]:
    """A tensor as rows of Python numbers: a scalar is 1x1, a vector one row."""
    if tensor.dim() == 0:
        return [[tensor.item()]]
    return tensor.reshape(tensor.shape[0] if tensor.dim() > 1 else 1, -1).tolist()


def _full(tensor: torch.Tensor) -> str:
    """A one-element tensor with every digit its dtype holds (9 for float32, 17 for float64)."""
    from backprop.compare import round_trip_digits, significant

    return significant(tensor.item(), round_trip_digits(tensor.dtype))


class ValuesView(CellCursor, Widget, can_focus=True):
    """Hand-written, autograd and difference grids of one step; one at a time if short."""

    BINDINGS: ClassVar[list[BindingType]] = list(CURSOR_BINDINGS)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.wish = (0, 0)   # the cell asked for; a smaller grid shows it clamped
        self._step: Step | None = None
        self._view = 0
        self._log = False
        self._blocks: list[Block] = []
        self._key: tuple | None = None
        self.arrangement: Arrangement | None = None
        self._grid_size = (0, 0)
        self._cached: list[Content] = []
        self.stale = ""   # what is being computed while these values are of the old run
        self.pair = False   # the two passes side by side (a wide terminal)
        self._inputs: Inputs = ()
        self._inputs_top: int | None = None   # the line "computed from …"
        self._tallest: tuple[Size, int] = (Size(0, 0), 0)   # the pane, and the most lines

    def show(self, step: Step | None, view: int, log: bool, inputs: Inputs = ()) -> None:
        """Draw `step` with grid `view` (an index into VIEWS) when only one fits, and the
        `inputs` it is computed from below."""
        self._inputs = inputs
        if step is not self._step or log != self._log:
            self._blocks = [] if step is None else blocks_for(
                as_rows(step.manual), as_rows(step.autograd), step.tag == "mask", log)
        self._step, self._view, self._log = step, view, log
        lines = self._lines()
        size = (self._width(self._area().width), len(lines))
        # A new layout costs a reflow of the whole screen: only when the grid's size changes.
        self.refresh(layout=size != self._grid_size)
        self._grid_size = size
        if self.has_focus:   # the screen shows the entry; the pane follows the cell
            self.call_after_refresh(self._scroll_to_cell)

    def _width(self, pane: int) -> int:
        """The widest line, but at least the pane: a legend a few columns longer or shorter
        must not change the size (each change costs a layout pass, and then another)."""
        return max(pane, max((line.cell_length for line in self._lines()), default=0))

    @property
    def inputs_top(self) -> int | None:
        """The line where the step's inputs begin ("computed from …"); None without any."""
        self._lines()
        return self._inputs_top if self._inputs else None

    @property
    def shown(self) -> tuple[str, ...]:
        """Names of the grids on screen now."""
        if self.arrangement is None:
            return ()
        return (VIEWS[self._view],) if self.arrangement.one_at_a_time else VIEWS

    def _area(self) -> Size:
        parent = self.parent
        if isinstance(parent, Widget) and parent.size.area:
            return parent.scrollable_content_region.size
        return Size(80, 20)

    def _lines(self) -> list[Content]:
        """Caption, grids and legend for the current step, view, scale and pane size."""
        if self._step is None:
            self.arrangement = None
            return []
        area = self._area()
        key = (self._step.index, id(self._step), self._view, self._log, area, self.stale,
               self.pair)
        if key != self._key or self.arrangement is None:
            # Two lines of the pane go to the caption and the scale legend.
            self.arrangement = arrange(self._blocks, self._view, area.width,
                                       max(area.height - 2, 1), self.pair)
            # Caption and legend are cut to the pane: only a grid wider than it scrolls.
            caption, legend = (line.truncate(area.width, ellipsis=True)
                               for line in (self._caption(), self._legend()))
            self._cached = [caption, *self.arrangement.lines, legend]
            self._inputs_top = len(self._cached) + 1 if self._inputs else None
            if self._inputs:
                self._cached += input_lines(self._step, self._inputs, self._log, area.width)
            # As with the width: a height that changed from step to step would cost a
            # reflow of the screen on every key. It only grows, until the pane is resized.
            if area != self._tallest[0]:
                self._tallest = (area, 0)
            self._tallest = (area, max(self._tallest[1], len(self._cached)))
            self._cached += [Content("")] * (self._tallest[1] - len(self._cached))
            self._key = key
        return self._cached

    def _caption(self) -> Content:
        assert self._step is not None and self.arrangement is not None
        step = self._step
        shape = "×".join(str(n) for n in step.manual.shape) or "scalar"
        head: list = [(f"STALE ({self.stale}) ", "bold reverse $warning")] if self.stale else []
        head.append((f"{step.symbol} ({shape})", "bold"))
        if step.manual.numel() == 1 and step.tag != "mask":
            head.append(f" = {_full(step.manual)} (hand-written), {_full(step.autograd)} "
                        "(autograd)")
        if self.arrangement.one_at_a_time:
            others = ", ".join(v for i, v in enumerate(VIEWS) if i != self._view)
            head += [": ", (VIEWS[self._view], "bold reverse"), (f"   v: {others}", "dim")]
        return Content.assemble(*head)

    def _legend(self) -> Content:
        assert self.arrangement is not None
        if self._step is not None and self._step.tag == "mask":
            return Content.styled("mask: on = unit active (z > 0), off = 0", "dim")
        # The difference has a scale of its own: say which grid each scale colours.
        alone = self.arrangement.one_at_a_time
        scale = self._blocks[self._view if alone else 0].scale
        difference = self._blocks[2].scale
        assert scale is not None and difference is not None
        cells = "" if self.arrangement.numbers else "colour only (too wide for numbers) · "
        nonfinite = " · magenta = inf/nan" if scale.nonfinite else ""
        if alone:
            scales = ("difference: " if self._view == 2 else "") + scale.describe()
        else:
            scales = f"{scale.describe()} · difference: {difference.describe()}"
        return Content.styled(f"{cells}blue < 0 < red{nonfinite} · {scales} · l: "
                              f"{'linear' if self._log else 'log'} scale", "dim")

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """The widest line, at least the pane: a grid wider than the pane scrolls."""
        return self._width(container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One row per line."""
        return len(self._lines())

    def on_mount(self) -> None:
        """Redraw when the pane scrolls: the top row may have to show the column numbers."""
        if isinstance(self.parent, Widget):
            self.watch(self.parent, "scroll_y", lambda: self.refresh(), init=False)

    def sticky(self, y: int) -> int:
        """The line to draw at row `y`: the column numbers of the grid scrolled under the top
        of the pane, else `y` itself."""
        parent = self.parent
        top = round(parent.scroll_y) if isinstance(parent, Widget) else 0
        if y != top or top == 0 or self.arrangement is None:
            return y
        for header, last in self.arrangement.headers:
            if header + 1 < y <= last + 1:   # the caption is line 0: one line down
                return header + 1
        return y

    def render_line(self, y: int) -> Strip:
        """Row `y` alone: a 64x64 grid in a short pane draws only the rows in view."""
        lines, width = self._lines(), self.size.width
        if not 0 <= y < len(lines):
            return Strip.blank(width, self.visual_style.rich_style)
        index = self.sticky(y)
        line = lines[index]
        if self.has_focus:
            for x, cells in self._cursor_spots().get(index, ()):
                line = line.stylize(CURSOR, x, x + cells)
        return Visual.to_strips(self, line, width, 1, self.visual_style, pad=True)[0]

    def text(self) -> str:
        """Everything the widget shows, as plain text (one line per row)."""
        return "\n".join(line.plain for line in self._lines())
