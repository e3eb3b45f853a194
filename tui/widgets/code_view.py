"""CodeView: the hand-written pass's real source, the current step's line as a band."""

from __future__ import annotations

from textual.content import Content

from tui.widgets.line_list import LineList


class CodeView(LineList):
    """Source lines with their file line numbers; the current step's line is highlighted."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: str | None = None
        self.first_line = 1
        self.current: int | None = None   # a file line number, or None

    def set_source(self, source: str, first_line: int) -> None:
        """Show `source`, whose first line is line `first_line` of its file."""
        from textual.highlight import highlight  # Pygments: not needed for the first frame

        self.source, self.first_line = source, first_line
        lines = highlight(source, language="python").split("\n")
        if lines and not lines[-1].plain:
            lines.pop()   # the source ends with a newline: no empty last row
        gutter = len(str(first_line + len(lines)))
        self.set_lines([Content.assemble((f"{first_line + i:>{gutter}} ", "dim"), line)
                        for i, line in enumerate(lines)])

    def show_line(self, line: int | None) -> None:
        """Highlight file line `line` and keep it in view."""
        self.current = line
        self.highlight(self.row_of(line))

    def row_of(self, line: int | None) -> int | None:
        """The row of file line `line` in this view, or None if it is not shown."""
        if line is None or self.source is None:
            return None
        row = line - self.first_line
        return row if 0 <= row < len(self._lines) else None
