"""Cells: short numbers and the diverging colour scale, linear and log."""

from __future__ import annotations

import math

import pytest
from rich.color import EIGHT_BIT_PALETTE, ColorSystem
from rich.color import Color as RichColor

from tui.cells import LEVELS, MASK_OFF, MASK_ON, NUMBER_WIDTH, Scale, compact, mask_style


@pytest.mark.parametrize(("value", "text"), [
    (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-553375024.0, "-5.5e8"), (553375024.0, "5.53e8"),
    (0.0012345, "0.0012"), (-0.0012345, "-0.001"), (12.3456, "12.3"), (-12.3456, "-12.3"),
    (3.9e-12, "4e-12"), (-3.9e-12, "-4e-12"), (1e300, "1e300"),
    (0.00012345, "1.2e-4"), (-0.00012345, "-1e-4"), (0.012345, "0.0123"), (1e-5, "1e-5"),
    (math.inf, "inf"), (-math.inf, "-inf"), (math.nan, "nan"),
])
def test_compact_keeps_the_most_digits_that_fit(value: float, text: str) -> None:
    assert compact(value) == text
    assert len(compact(value)) <= NUMBER_WIDTH


def test_compact_reads_back_as_the_value_it_shows() -> None:
    for value in (5.5338e8, 123456.0, 0.5, -9.5e9, 2.5e-7):   # two digits fit: within 5 %
        assert math.isclose(float(compact(value)), value, rel_tol=0.05)
    for value in (-2.5e-7, -3.9e-12):                         # one digit fits: within 25 %
        assert math.isclose(float(compact(value)), value, rel_tol=0.25)


def test_linear_scale_is_proportional_and_keeps_the_sign() -> None:
    scale = Scale.of([[-4.0, 2.0], [0.0, 1.0]], log=False)
    assert (scale.top, scale.bottom) == (4.0, 1.0)
    assert scale.position(-4.0) == -1.0
    assert scale.position(2.0) == 0.5
    assert scale.position(0.0) == 0.0


def test_log_scale_spreads_the_decades_evenly() -> None:
    scale = Scale.of([[1e9, -1e3, 1e6]], log=True)
    assert scale.decades == pytest.approx(6.0)
    assert scale.position(1e9) == pytest.approx(1.0)
    assert scale.position(1e6) == pytest.approx(0.5)
    assert scale.position(-1e3) == pytest.approx(0.0)
    # Linear, 1e6 would be invisible next to 1e9; log gives it half the strength.
    assert Scale.of([[1e9, 1e6]], log=False).position(1e6) < 0.01


def test_log_scale_shows_at_most_twelve_decades() -> None:
    scale = Scale.of([[1e9, 1e-20]], log=True)
    assert scale.decades == 12.0
    assert scale.position(1e-20) == 0.0


def test_styles_differ_by_sign_and_strength_and_zero_is_neutral() -> None:
    scale = Scale.of([[-8.0, 8.0, 1.0, 0.0]], log=False)
    strong_red, strong_blue = scale.style(8.0), scale.style(-8.0)
    assert strong_red.background != strong_blue.background
    assert strong_red.background.r > strong_red.background.b
    assert strong_blue.background.b > strong_blue.background.r
    assert scale.style(1.0).background != strong_red.background
    assert scale.style(0.0).background == Scale.of([[0.0]], log=False).style(0.0).background
    # A tiny nonzero value is still drawn, never as faint as an exact zero.
    assert Scale.of([[1e9, 1.0]], log=False).style(1.0) != scale.style(0.0)


def test_nonfinite_values_stand_out() -> None:
    scale = Scale.of([[1.0, math.inf]], log=False)
    assert scale.top == 1.0
    assert scale.style(math.inf) == scale.style(math.nan)
    assert scale.style(math.inf) not in {scale.style(v) for v in (1.0, -1.0, 0.0)}


NAMES = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
         "bright black", "bright red", "bright green", "bright yellow", "bright blue",
         "bright magenta", "bright cyan", "bright white"]


def _in_fewer_colours(style) -> tuple[tuple[int, int, int], str]:
    """The background as a 256-colour terminal shows it (rgb) and as a 16-colour one (name),
    rounded by Rich as Textual's output does."""
    c = style.background
    color = RichColor.from_rgb(c.r, c.g, c.b)
    eight_bit = color.downgrade(ColorSystem.EIGHT_BIT)
    assert eight_bit.number is not None
    standard = color.downgrade(ColorSystem.STANDARD).number
    assert standard is not None
    return tuple(EIGHT_BIT_PALETTE[eight_bit.number]), NAMES[standard]


def test_every_level_keeps_its_sign_with_256_and_16_colours() -> None:
    scale = Scale.of([[-1.0, 1.0]], log=False)
    for level in range(1, LEVELS + 1):
        for sign, hue, names in ((1, 0, ("red", "bright red")),
                                 (-1, 2, ("blue", "bright blue"))):
            rgb, name = _in_fewer_colours(scale.style(sign * level / LEVELS))
            assert rgb[hue] > max(rgb[(hue + 1) % 3], rgb[(hue + 2) % 3]), (sign, level, rgb)
            assert name in names, (sign, level, name)
    # The faintest nonzero value, too: never the grey of an exact zero.
    assert _in_fewer_colours(Scale.of([[1e9, 1.0]], log=False).style(1.0))[1] == "red"
    zero = _in_fewer_colours(scale.style(0.0))
    assert len(set(zero[0])) == 1 and zero[1] in ("black", "bright black")
    assert _in_fewer_colours(scale.style(math.nan))[1] in ("magenta", "bright magenta")
    assert _in_fewer_colours(MASK_ON)[1] in ("green", "bright green")


def test_text_is_readable_on_every_level() -> None:
    scale = Scale.of([[-1.0, 1.0]], log=False)
    for i in range(-LEVELS, LEVELS + 1):
        style = scale.style(i / LEVELS)
        contrast = abs(style.background.brightness - style.foreground.brightness)
        assert contrast > 0.3


def test_mask_cells_are_on_or_off() -> None:
    assert mask_style(True) is MASK_ON
    assert mask_style(False) is MASK_OFF
    assert MASK_ON.background != MASK_OFF.background


def test_scale_description_names_its_range() -> None:
    assert "every value is 0" in Scale.of([[0.0]], log=True).describe()
    nan = math.nan
    assert Scale.of([[0.0, nan, nan]], log=False).describe() == "every finite value is 0"
    assert Scale.of([[nan, math.inf]], log=False).describe() == "no value is a number"
    assert "7.94e6" in Scale.of([[7.94e6, -1.0]], log=False).describe()
    assert "log10" in Scale.of([[7.94e6, -1.0]], log=True).describe()
