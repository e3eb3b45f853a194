"""The entry as text: numbers at five digits in a formula, every digit alone; a long sum
fills its lines and counts what did not fit, never cutting a term."""

from __future__ import annotations

import math

import pytest

from backprop.entry import Entry, Term
from tui.entry_text import entry_copy, entry_lines, number, term_text


def _sum_of(products: int) -> Entry:
    terms = tuple(Term("×", ((f"h_1[{i}]", 1.0 + i / 7), (f"W_2[{i},1]", -0.5 + i / 100)),
                       (1.0 + i / 7) * (-0.5 + i / 100)) for i in range(1, products + 1))
    terms += (Term("entry", (("b_2[1]", 0.25),), 0.25),)
    total = math.fsum(t.value for t in terms)
    return Entry("z_2[1]", (0, 0), total, total, "Σ_i h_1[i] W_2[i,1] + b_2[1]", terms, total,
                 "float64", 17)


def test_numbers_are_plain_between_a_thousandth_and_a_thousand() -> None:
    assert [number(v) for v in (0.43571234, 12496.1, 5444.7, -0.00012345, 0.0, 1e-3)] == [
        "0.43571", "1.2496e4", "5.4447e3", "-1.2345e-4", "0", "0.001"]
    assert number(True) == "on" and number(False) == "off"


def test_a_negative_right_factor_is_in_parentheses() -> None:
    assert term_text(Term("×", (("x[1]", 0.5), ("d[1]", -2.0)), -1.0)) == "0.5 × (-2)"
    assert term_text(Term("where", (("g[1]", 3.0), ("m[1]", False)), 0.0)) == "3 · off"


@pytest.mark.parametrize("products", [10, 64])
@pytest.mark.parametrize("width", [60, 98])
def test_a_long_sum_is_elided_with_its_count(products: int, width: int) -> None:
    cell = _sum_of(products)
    lines = [line.plain for line in entry_lines(cell, width, 3)]
    assert len(lines) == 5
    terms = lines[2:]
    assert all(len(line) <= width for line in terms)
    text = " ".join(terms)
    shown = text.count(" × ") + ("+ 0.25" in text)
    if shown < products + 1:
        assert text.rstrip().endswith(
            f"… {products + 1 - shown} more of {products + 1} terms (y copies them all)")
    else:
        assert text.rstrip().endswith("+ 0.25")
    first = term_text(cell.terms[0])
    assert terms[0].startswith(f"= {first} ")   # terms in order, whole


def test_the_copy_has_every_term_with_every_digit() -> None:
    cell = _sum_of(64)
    lines = entry_copy(cell).splitlines()
    assert lines[3] == "z_2[1] = Σ_i h_1[i] W_2[i,1] + b_2[1]"
    assert len(lines) == 4 + 65 + 1
    name, value = cell.terms[63].factors[0]
    assert lines[4 + 63].startswith(f"  {name} · W_2[64,1]: ")
    assert f"{value:.16e}" in lines[4 + 63]
