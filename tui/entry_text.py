"""An entry under the cell cursor as text: its two values in full, its formula with numbers.

    dL/dW_1[2,3] = x[2] · delta_1[3] = 0.43571 × 1.2496e4 = 5.4447e3

The numbers are the Entry's (backprop/entry.py); this module only writes them: at five
significant digits in a formula, with every digit the dtype holds where a value stands
alone, and whole (every term, every digit) in the text `y` copies.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from textual.content import Content

from tui.cells import _short_exponent

if TYPE_CHECKING:
    from backprop.entry import Entry, Number, Term

SHORT = 5   # significant digits of a number inside a formula


def number(value: Number, digits: int = SHORT) -> str:
    """`value` at `digits` significant digits: plain from 0.001 to 1000, else 1.2496e4; a mask
    entry is on or off, as its grid says."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e3:
        return f"{value:.{digits}g}"
    return _short_exponent(f"{value:.{digits - 1}e}")


def full(value: Number, digits: int) -> str:
    """Every digit: `5.44470215e+03` for float32 (9), 17 for float64; on/off for a mask."""
    # backprop.compare imports torch: not before the first frame
    from backprop.compare import significant

    if isinstance(value, bool):
        return "on" if value else "off"
    return significant(value, digits)


def term_text(term: Term, show: object = number) -> str:
    """The term with its factors' numbers: `0.43571 × 1.2496e4`, `relu(-6.0048)`."""
    values = [show(v) for _, v in term.factors]   # type: ignore[operator]
    if term.op == "×":
        right = values[1] if not values[1].startswith("-") else f"({values[1]})"
        return f"{values[0]} × {right}"
    patterns = {"entry": "{0}", "(−)²": "({0} − {1})²", "2(−)": "2 ({0} − {1})",
                "relu": "relu({0})", "> 0": "[{0} > 0]", "where": "{0} · {1}"}
    return patterns[term.op].format(*values)


def _sign_joined(texts: list[str]) -> list[str]:
    """Terms joined by + or − (the first bare): `a`, `+ b`, `− c` for a term `-c`."""
    return [text if i == 0 else f"− {text[1:]}" if text.startswith("-") else f"+ {text}"
            for i, text in enumerate(texts)]


def agreement(entry: Entry) -> tuple[str, str]:
    """What the recomputed value says of the two passes' values, and a style for it."""
    same = [name for name, value in (("hand-written", entry.manual),
                                     ("autograd", entry.autograd)) if _matches(entry, value)]
    if not entry.is_sum:
        if len(same) == 2:
            return "", ""
        which = same[0] if same else "neither pass"
        return f"  (recomputed: {which}'s value)", "bold $warning"
    if entry.ulps == 0 and len(same) == 2:
        how = "the same bits"
    elif len(same) == 2:
        how = f"{entry.ulps} float step{'s' if entry.ulps != 1 else ''} off (rounding)"
    else:
        return (f"  recomputed here: {same[0] if same else 'neither pass'}'s value"
                f" ({full(entry.result, entry.digits)})", "bold $warning")
    return f" · added up here: {how}", "dim"


def _matches(entry: Entry, value: Number) -> bool:
    if isinstance(value, bool) or isinstance(entry.result, bool):
        return value == entry.result
    if not (math.isfinite(value) and math.isfinite(entry.result)):
        return value == entry.result or (math.isnan(value) and math.isnan(entry.result))
    return abs(entry.result - value) <= entry.rounding


def entry_lines(entry: Entry, width: int, term_lines: int) -> list[Content]:
    """2 + term_lines lines: both values in full, the formula, then a sum's terms (elided
    with their count when they do not fit)."""
    both = entry.manual == entry.autograd or (
        not isinstance(entry.manual, bool) and math.isnan(entry.manual)
        and math.isnan(float(entry.autograd)))
    values = Content.assemble(
        (entry.symbol, "bold"), " = ", (full(entry.manual, entry.digits), "bold"),
        (" hand-written", "dim"), " · ", (full(entry.autograd, entry.digits), "bold"),
        (" autograd", "dim"),
        (f"   {entry.dtype}, every digit" if both else "   they differ",
         "dim" if both else "bold $error"))
    note, style = agreement(entry)
    head = f"{entry.symbol} = {entry.formula}"
    if not entry.is_sum:
        numbers = term_text(entry.terms[0])
        result = number(entry.result)
        rhs = f" = {numbers}" + (f" = {result}" if numbers != result else "")
        formula = Content.assemble((head, "bold $accent"), rhs, (note, style))
        factors = Content.assemble(("where ", "dim"), *[part for i, (name, value) in enumerate(
            entry.terms[0].factors) for part in ((" · " if i else "", "dim"), (name, "dim"),
                                                 f" = {full(value, entry.digits)}")])
        return [values, formula, factors, *[Content("")] * (term_lines - 1)]
    formula = Content.assemble((head, "bold $accent"), f" = {number(entry.result)}",
                               (f"   {len(entry.terms)} terms", "dim"), (note, style))
    return [values, formula, *_wrapped(entry, width, term_lines)]


def _wrapped(entry: Entry, width: int, lines: int) -> list[Content]:
    """A sum's terms with numbers, filling `lines` lines of `width`; what does not fit is
    counted on the last line, never cut silently."""
    texts = _sign_joined([term_text(t) for t in entry.terms])
    total = len(texts)

    def tail(rest: int) -> str:
        return f" … {rest} more of {total} terms (y copies them all)" if rest else ""

    out: list[str] = []
    line = "="
    for i, text in enumerate(texts):
        last = len(out) == lines - 1
        if last and len(line) + 1 + len(text) + len(tail(total - i - 1)) > width and \
                line.strip("= "):
            line += tail(total - i)   # fits: the previous term was added with this tail
            break
        if not last and len(line) + 1 + len(text) > width and line.strip("= "):
            out.append(line)
            line = " "
            if len(out) == lines - 1 and len(line) + 1 + len(text) + len(
                    tail(total - i - 1)) > width:
                line += tail(total - i)
                break
        line += " " + text
    out.append(line)
    return [Content(text) for text in out] + [Content("")] * (lines - len(out))


def entry_copy(entry: Entry) -> str:
    """The entry as text for the clipboard: both values, the formula, every term in full."""
    def show(value: Number) -> str:
        return full(value, entry.digits)

    lines = [f"{entry.symbol} ({entry.dtype})",
             f"hand-written: {full(entry.manual, entry.digits)}",
             f"autograd:     {full(entry.autograd, entry.digits)}",
             f"{entry.symbol} = {entry.formula}"]
    for term in entry.terms:
        names = " · ".join(name for name, _ in term.factors)
        lines.append(f"  {names}: {term_text(term, show=show)} = {show(term.value)}")
    lines.append(f"= {show(entry.result)}" + (" (added up exactly, rounded once to "
                                              f"{entry.dtype})" if entry.is_sum else ""))
    return "\n".join(lines) + "\n"
