"""How one value becomes one cell: a short number, and a colour on a diverging scale.

Values of one run span many orders of magnitude (randn init gives gradients from 1e3 to
1e9), so the scale is either linear in the value or linear in log10 |value|; the sign
picks the hue (blue below zero, red above), the magnitude how strong it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from textual.color import Color
from textual.style import Style

NUMBER_WIDTH = 6        # characters of a number in a cell
LOG_DECADES = 12.0      # the log scale shows at most this many decades below the largest
LEVELS = 16             # colour steps per sign: enough to tell values apart, few Style objects

# Each sign runs from a dark to a strong colour, never through grey: terminals with 256 or
# 16 colours round every colour to their palette, and a greyish red or blue would round to
# grey (or, with 16 colours, to yellow or cyan) and hide the sign. These ends keep every
# level red or blue in both palettes (tests/tui/test_tui_cells.py checks each level).
_ZERO = Color.parse("#3a3a3a")
_POSITIVE = (Color(100, 24, 40), Color(250, 48, 56))
_NEGATIVE = (Color(32, 32, 110), Color(64, 120, 250))
_NONFINITE = Style(background=Color.parse("#c026d3"), foreground=Color.parse("#ffffff"),
                   bold=True)
MASK_ON = Style(background=Color.parse("#2e9e4f"), foreground=Color.parse("#ffffff"), bold=True)
MASK_OFF = Style(background=Color.parse("#262626"), foreground=Color.parse("#8a8a8a"))


def compact(value: float, width: int = NUMBER_WIDTH) -> str:
    """`value` in at most `width` characters, with as many significant digits as fit.

    Plain (`0.0012`) where it holds as many digits as scientific notation (`1.2e-4`).
    """
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    text = ""
    for digits in (3, 2, 1):
        for text in (f"{value:.{digits}g}", f"{value:.{digits - 1}e}"):
            text = _short_exponent(text)
            if len(text) <= width:
                return text
    return text


def _short_exponent(text: str) -> str:
    """'5.5e+08' -> '5.5e8', '1e-03' -> '1e-3': the exponent without padding."""
    mantissa, sep, exponent = text.partition("e")
    if not sep:
        return text
    sign = "-" if exponent.startswith("-") else ""
    return f"{mantissa}e{sign}{exponent.lstrip('+-').lstrip('0') or '0'}"


@dataclass(frozen=True)
class Scale:
    """Maps values to [-1, 1]: linear in the value, or in log10 |value| when `log`."""

    top: float           # the largest finite |value| shown with this scale
    bottom: float        # the smallest finite nonzero |value| (the log scale's floor)
    log: bool
    nonfinite: int = 0   # values that are inf or nan (drawn apart, in magenta)
    finite: int = 0      # values that are numbers, zeros included

    @classmethod
    def of(cls, rows: list[list[float]], log: bool) -> Scale:
        """The scale that spans every finite value in `rows`."""
        values = [v for row in rows for v in row]
        finite = [abs(v) for v in values if math.isfinite(v)]
        magnitudes = [v for v in finite if v != 0]
        nonfinite = len(values) - len(finite)
        if not magnitudes:
            return cls(0.0, 0.0, log, nonfinite, len(finite))
        return cls(max(magnitudes), min(magnitudes), log, nonfinite, len(finite))

    @property
    def decades(self) -> float:
        """How many decades the log scale spans (at least one, at most LOG_DECADES)."""
        if self.top == 0:
            return 1.0
        span = math.log10(self.top) - math.log10(self.bottom)
        return min(max(span, 1.0), LOG_DECADES)

    def position(self, value: float) -> float:
        """Where `value` sits: 0 for zero, +-1 for the largest magnitude."""
        if value == 0 or self.top == 0:
            return 0.0
        magnitude = abs(value)
        if self.log:
            t = 1.0 - (math.log10(self.top) - math.log10(magnitude)) / self.decades
        else:
            t = magnitude / self.top
        return math.copysign(min(max(t, 0.0), 1.0), value)

    def style(self, value: float) -> Style:
        """The cell style of `value`: its colour on this scale, and readable text on it."""
        if not math.isfinite(value):
            return _NONFINITE
        t = self.position(value)
        level = round(abs(t) * LEVELS)
        if value != 0:
            level = max(level, 1)   # a nonzero value is never drawn as grey as zero
        return _level_style(level if t >= 0 else -level)

    def describe(self) -> str:
        """The scale in a few words, for the legend under the grid."""
        if self.top == 0:
            if not self.finite:
                return "no value is a number"
            return "every finite value is 0" if self.nonfinite else "every value is 0"
        if self.log:
            return (f"log10 |v|: faint {compact(self.top / 10 ** self.decades)} "
                    f"… strong {compact(self.top)}")
        return f"linear: strong = |v| {compact(self.top)}"


@cache
def _level_style(level: int) -> Style:
    """The style of a signed colour level, -LEVELS..LEVELS (cached: few distinct ones)."""
    if level == 0:
        background = _ZERO
    else:
        faint, strong = _POSITIVE if level > 0 else _NEGATIVE
        background = faint.blend(strong, (abs(level) - 1) / (LEVELS - 1))
    foreground = Color(0, 0, 0) if background.brightness > 0.6 else Color(255, 255, 255)
    return Style(background=background, foreground=foreground)


def mask_style(on: bool) -> Style:
    """The cell style of a ReLU mask entry."""
    return MASK_ON if on else MASK_OFF
