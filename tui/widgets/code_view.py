"""CodeView: the hand-written pass's real source, the current step's line as a band."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.highlight import highlight
from textual.widget import Widget

BAND = "bold on $accent 40%"


class CodeView(Widget):
    """Source lines with file line numbers; the line of the current step is highlighted."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: str | None = None
        self.first_line = 1
        self._lines: list[Content] = []
        self._gutter = 2
        self.current: int | None = None   # a file line number, or None

    def set_source(self, source: str, first_line: int) -> None:
        """Show `source`, whose first line is line `first_line` of its file."""
        self.source, self.first_line = source, first_line
        self._lines = highlight(source, language="python").split("\n")
        if self._lines and not self._lines[-1].plain:
            self._lines.pop()   # the source ends with a newline: no empty last row
        self._gutter = len(str(first_line + len(self._lines))) + 1
        self.refresh(layout=True)

    def show_line(self, line: int | None) -> None:
        """Highlight file line `line` and scroll its row into the middle of the pane."""
        if line == self.current:
            return
        self.current = line
        self.refresh()
        parent = self.parent
        if isinstance(parent, Widget) and parent.virtual_size.height >= len(self._lines):
            self._scroll_to_current()
        else:   # the pane has not measured the source yet: scroll once it has
            self.call_after_refresh(self._scroll_to_current)

    def _scroll_to_current(self) -> None:
        """Centre the current row, but only when it is not already well in view.

        Scrolling costs a new layout of the screen; most steps move the band a line or
        two, and those should cost a repaint only.
        """
        row, parent = self.row_of(self.current), self.parent
        if row is None or not isinstance(parent, Widget):
            return
        top, height = round(parent.scroll_y), parent.scrollable_content_region.height
        margin = 1 if height > 4 else 0
        if not top + margin <= row < top + height - margin:
            parent.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True)

    def row_of(self, line: int | None) -> int | None:
        """The row of file line `line` in this view, or None if it is not shown."""
        if line is None or not 0 <= line - self.first_line < len(self._lines):
            return None
        return line - self.first_line

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """The longest line, but at least the pane: the band spans the whole width."""
        longest = max((line.cell_length for line in self._lines), default=0)
        return max(longest + self._gutter + 1, container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One row per source line."""
        return len(self._lines)

    def render(self) -> Content:
        """The numbered source, the current line as a full-width band."""
        width = self.size.width
        current = self.row_of(self.current)
        rows = []
        for row, line in enumerate(self._lines):
            number = Content.styled(f"{self.first_line + row:>{self._gutter - 1}} ", "dim")
            text = Content.assemble(number, line)
            text = text.pad_right(max(0, width - text.cell_length))
            if row == current:
                text = text.stylize_before(BAND)
            rows.append(text)
        return Content("\n").join(rows)
