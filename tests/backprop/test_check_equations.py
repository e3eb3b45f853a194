"""The equation numbers a check names are the report's: read from its templates' order."""

import re
from pathlib import Path

from backprop.check.equations import NUMBERS, formula
from report.render import CHAPTERS

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "chapters"


def report_numbers() -> dict[str, str]:
    """Each displayed equation's number, as the report's renderer gives it (chapter.count)."""
    numbers = {}
    for chapter, (ident, _) in enumerate(CHAPTERS, start=1):
        path = TEMPLATES / f"{ident}.html.j2"
        if not path.exists() or ident == "appendix":
            continue
        found = re.findall(r'equation\("([\w-]+)"\)', path.read_text())
        for count, eq in enumerate(found, start=1):
            numbers[eq] = f"{chapter}.{count}"
    return numbers


def test_every_number_a_check_uses_is_the_report_s():
    report = report_numbers()
    assert {eq: report[eq] for eq in NUMBERS} == NUMBERS


def test_the_recursion_and_the_weight_gradient_are_5_9_and_5_6_as_the_issue_says():
    assert formula("eq-delta-down", 10, 11) == "δ_10 = (δ_11 W_11ᵀ) ⊙ m_10 (eq. 5.10)"
    assert formula("eq-grad-W", 10, 11) == "dL/dW_10 = h_9ᵀ δ_10 (eq. 5.6)"
    assert formula("eq-grad-W", 1, 11) == "dL/dW_1 = xᵀ δ_1 (eq. 5.6)"
