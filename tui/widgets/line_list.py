"""LineList: rows of text, one of them highlighted; each row drawn once and then cached.

Moving the highlight repaints two rows, not the whole widget: stepping through the run
must stay fast however long the list of steps or the source is.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget


class LineList(Widget):
    """Lines of Content, one of them highlighted as a band across the full width."""

    HIGHLIGHT = "bold on $accent 40%"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Content] = []
        self.highlighted: int | None = None
        self._strips: dict[tuple[int, bool, int], Strip] = {}

    def on_mount(self) -> None:
        """Forget the drawn rows when the theme (and so the band's colour) changes."""
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._strips.clear())

    def set_lines(self, lines: list[Content]) -> None:
        """Replace every row."""
        self._lines = lines
        self._strips.clear()
        if self.highlighted is not None and self.highlighted >= len(lines):
            self.highlighted = None
        self.refresh(layout=True)

    def highlight(self, row: int | None) -> None:
        """Move the band to `row` (None: no band) and keep it in view."""
        old, self.highlighted = self.highlighted, row
        if old != row:
            width = self.size.width
            self.refresh(*(Region(0, r, width, 1) for r in (old, row) if r is not None))
        parent = self.parent
        if not isinstance(parent, Widget) or not parent.display:
            return   # a hidden list (the step list when narrow) scrolls once it is shown
        if parent.virtual_size.height >= len(self._lines):
            self.keep_in_view()
        else:   # the pane has not measured the rows yet: once it has
            self.call_after_refresh(self.keep_in_view)

    def keep_in_view(self) -> None:
        """Centre the highlighted row, but only when it is not already well in view.

        Scrolling repaints the pane; most steps move the band by a row or two.
        """
        row, parent = self.highlighted, self.parent
        if row is None or not isinstance(parent, Widget):
            return
        top, height = round(parent.scroll_y), parent.scrollable_content_region.height
        margin = 1 if height > 4 else 0
        if not top + margin <= row < top + height - margin:
            parent.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True)

    def on_resize(self) -> None:
        """Rows drawn at the old width are of no use."""
        self._strips.clear()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """The longest row, but at least the pane: the band spans the whole width."""
        longest = max((line.cell_length for line in self._lines), default=0)
        return max(longest, container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One row per line."""
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        """Row `y`, from the cache when it has been drawn at this width before."""
        width = self.size.width
        if not 0 <= y < len(self._lines):
            return Strip.blank(width, self.visual_style.rich_style)
        key = (y, y == self.highlighted, width)
        strip = self._strips.get(key)
        if strip is None:
            line = self._lines[y]
            line = line.pad_right(max(0, width - line.cell_length))
            if y == self.highlighted:
                line = line.stylize_before(self.HIGHLIGHT)
            strip = Visual.to_strips(self, line, width, 1, self.visual_style)[0]
            self._strips[key] = strip
        return strip
