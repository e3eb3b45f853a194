"""What the report's figures share: the SVG frame, text, colours and the layer axis."""

from __future__ import annotations

from markupsafe import escape

FONT = "DejaVu Sans, sans-serif"
INK, MUTED, FAINT = "#222", "#777", "#ddd"
ON, OFF = "#1f5fa8", "#ffffff"
BROKEN = "#a61b1b"   # text saying there are inf or nan values


def svg(width: float, height: float, body: list[str], title: str) -> str:
    """A whole SVG document of `body`'s elements, `width` x `height` user units."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" font-family="{FONT}">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def text(x: float, y: float, text: str, size: float = 7, anchor: str = "middle",
         fill: str = INK, extra: str = "") -> str:
    """One line of text at (x, y), its baseline; anchored in the middle unless told."""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" '
            f'fill="{fill}"{extra}>{escape(text)}</text>')


def round_step(span: int, most: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, ... that cuts `span` into at most `most` steps."""
    step = 1
    while span / step > most:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    return step


def ticks(n: int, most: int = 16) -> list[int]:
    """The layers labelled on an axis of n: 1, n and round numbers, never two too close.

    The step is 1, 2, 5, 10, 20, ... whichever keeps at most `most` labels; a round
    number within 0.6 steps of 1 or n gives way to it.
    """
    step = round_step(n, most)
    inner = [k for k in range(step, n, step) if k - 1 >= 0.6 * step and n - k >= 0.6 * step]
    return sorted({1, *inner, n})
