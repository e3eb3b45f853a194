"""Maths has one style: every formula, ASCII or hand-written, is set as the equations are."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from backprop.graph.explain import TEMPLATES, Node
from report import mathsvg, mathtext
from report.render import template_source

# What ASCII maths looks like: none of it may reach the report outside <code>.
ASCII = {"backtick": r"`", "power": r"\*\*", "product": r"\*", "matmul": r"@",
         "transpose": r"\.T\b|\^T\b", "caret": r"\^", "index": r"\b[A-Za-z]\w*_[A-Za-z0-9]{1,2}\b",
         "dL/d": r"\bdL/d"}


def variants(label: str) -> list[Node]:
    """Nodes a template may be handed: every gradient sent, or one of them not computed."""
    saved = {"self": "h2", "other": "W3", "mat2": "W3", "result": "h3", "exponent": "2",
             "alpha": "1", "mat1": "h2", "weight": "W3", "input": "h2", "target": "y"}
    values = {"alpha": 2, "beta": 0.5, "other": 3.0, "self": 2.0, "dim": 1, "p": 2}
    sent = ("#7 ReluBackward0", "#8 AccumulateGrad", "#9 AccumulateGrad")
    cuts = (sent, (None, *sent[1:]), (sent[0], None, None))
    return [Node(3, label, "z3", ("h2", "W3", "b3"), targets, saved, values,
                 {"self": (2, 3), "other": (2, 3)}) for targets in cuts]


def everything_templates_say() -> list[tuple[str, str, str]]:
    """(label, explanation, formula) from every registered template, for each variant."""
    found = []
    for label, template in sorted(TEMPLATES.items()):
        for node in variants(label):
            text, formula = template(node)
            found.append((label, text, formula))
    return found


SAID = everything_templates_say()


def outside_code(markup: str) -> str:
    """The text of HTML with its <code> elements and tags removed."""
    markup = re.sub(r"<code>.*?</code>", " ", markup, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", markup))


def ascii_left(markup: str, hyphens: bool) -> list[str]:
    """The ASCII maths still in `markup`'s text; a formula also may not keep a hyphen-minus."""
    text = outside_code(markup)
    left = [name for name, pattern in ASCII.items() if re.search(pattern, text)]
    if not hyphens and "-" in text:
        left.append("hyphen-minus")
    return left


def test_every_template_was_collected() -> None:
    # The registry is the source: a template added later is tested without listing it here.
    assert len({label for label, _, _ in SAID}) == len(TEMPLATES) > 90
    assert len({formula for _, _, formula in SAID}) > 60


@pytest.mark.parametrize(("label", "text", "formula"), SAID,
                         ids=[f"{label}-{i % 3}" for i, (label, _, _) in enumerate(SAID)])
def test_no_ascii_maths_survives_a_template(label: str, text: str, formula: str) -> None:
    assert ascii_left(mathtext.formula(formula), hyphens=False) == []
    assert ascii_left(mathtext.prose(text), hyphens=True) == []


def test_formulas_are_set_as_the_equations_are() -> None:
    got = str(mathtext.formula("grad_self = g @ mat2^T;  grad_mat2 = self^T @ g"))
    assert got.startswith('<span class="m">∂<var>L</var>/∂self</span> = <span class="m">'
                          '<var>g</var></span>')
    assert "mat2<sup>⊤</sup>" in got and "@" not in got
    power = str(mathtext.formula("grad_self = exponent * self^(exponent - 1) * g"))
    assert "self<sup>exponent − 1</sup>" in power and "·" in power and "*" not in power
    # A symbol with both scripts stacks them: W_11 transposed is one symbol, not W11 then T.
    assert str(mathtext.prose("dL/dh10 = g @ W11^T")) == (
        '<span class="m">∂<var>L</var>/∂<var>h</var><sub>10</sub></span> = '
        '<span class="m"><var>g</var></span>  <span class="m"><var>W</var>'
        '<span class="ss"><sup>⊤</sup><sub>11</sub></span></span>')
    assert str(mathtext.prose("y_pred = relu(z_11); x_hat")) == (
        '<span class="m"><var>y</var><sub>pred</sub></span> = relu(<span class="m"><var>z'
        '</var><sub>11</sub></span>); <span class="m"><var>x̂</var></span>')


def test_prose_keeps_english_and_code_apart_from_maths() -> None:
    got = str(mathtext.prose("Created by a sum of a row's values, dimension(s) pre-activation "
                             "kept `self`, requires_grad=True, 4.8e-09, a[indices] = g"))
    assert "Created by a sum of a row’s values" in htmllib.unescape(outside_code(got))
    assert "dimension(s) pre-activation" in got and "<code>self</code>" in got
    assert "<code>requires_grad</code>=True" in got and "4.8e-09" in got
    assert '<span class="m"><var>a</var></span>[indices]' in got


def test_hand_written_maths_gets_the_same_markup() -> None:
    got = str(mathtext.inline("Take layer k: ∂L/∂y<sub>pred</sub> = δ<sub>k</sub> "
                              "W<sub>k</sub><sup>⊤</sup>, (W<sub>k</sub>)<sub>ij</sub>, a "
                              "<code>x_k</code>, 1.2·10<sup>-3</sup>, it&#39;s"))
    assert got == (
        'Take layer <span class="m"><var>k</var></span>: <span class="m">∂<var>L</var>/∂'
        '<var>y</var><sub>pred</sub></span> = <span class="m"><var>δ</var><sub><var>k</var>'
        '</sub></span> <span class="m"><var>W</var><span class="ss"><sub><var>k</var></sub>'
        '<sup>⊤</sup></span></span>, (<span class="m"><var>W</var><sub><var>k</var></sub>'
        '</span><span class="m">)<sub><var>i</var><var>j</var></sub></span>, a <code>x_k'
        '</code>, 1.2·<span class="m">10<sup>-3</sup></span>, it&#39;s')
    once = mathtext.inline(got)
    assert once == got          # maths already set is passed over
    # dL/dW in a sentence is maths; dL/dW20, a gradient's name in a table, stays a name.
    got = str(mathtext.inline("Compute dL/dW and dL/dx. (x<sub>d</sub>)/d; dL/dW20"))
    assert got.count('<span class="m">∂<var>L</var>/∂<var>') == 2
    assert got.endswith('/<span class="m"><var>d</var></span>; dL/dW20')


SAMPLE = ("Take layer k with its δ<sub>k</sub> known: δ<sub>k</sub> W<sub>k</sub><sup>⊤</sup> "
          "is B × in, h<sub>k−1</sub><sup>⊤</sup> δ<sub>k</sub> goes to W<sub>k</sub>, "
          "∂L/∂y<sub>pred</sub> = 2 (y<sub>pred</sub> − y) and 1<sup>⊤</sup>δ<sub>k</sub>. ")


def laid_out(paragraphs: list[str]) -> list:
    """The text boxes of `paragraphs` laid out by WeasyPrint with the report's stylesheet."""
    import weasyprint

    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = weasyprint.HTML(string=f"<style>{template_source('report.css')}</style>{body}")
    return list(page.render().pages[0]._page_box.descendants())


def test_scripts_neither_push_lines_apart_nor_stagger() -> None:
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    maths, plain = str(mathtext.inline(SAMPLE * 6)), "Take layer k with its deltas known. " * 40
    boxes = laid_out([maths, plain])
    lines = [b for b in boxes if isinstance(b, LineBox) and b.element_tag == "p"]
    assert len(lines) > 8
    assert {round(line.height, 2) for line in lines} == {round(lines[-1].height, 2)}
    assert len({round(b.position_y - lines[0].position_y, 1) for b in lines[1:2]}) == 1
    texts = [b for b in boxes if isinstance(b, TextBox)]
    stacks = [b for b in boxes if b.element_tag == "span" and b.element.get("class") == "ss"
              and not isinstance(b, TextBox)]
    stacks = [b for b in stacks if len(list(b.descendants())) > 2 and b.element_tag == "span"]
    assert len(stacks) >= 12          # W_k^⊤ and h_{k-1}^⊤, in each of the six copies
    for stack in stacks:
        scripts = []                  # (text, left, right, middle) of each script
        for child in stack.children:
            parts = [b for b in child.descendants() if isinstance(b, TextBox)]
            scripts.append(("".join(b.text for b in parts), min(b.position_x for b in parts),
                            max(b.position_x + b.width for b in parts),
                            min(b.position_y + b.height / 2 for b in parts)))
        assert len(scripts) == 2 and abs(scripts[0][1] - scripts[1][1]) < 0.01  # left-aligned
        sup, sub = sorted(scripts, key=lambda script: script[3])
        assert sup[0] == "⊤" and sub[3] - sup[3] > 3                         # one above
        last = [b for b in stack.descendants() if isinstance(b, TextBox)][-1]
        after = texts[texts.index(last) + 1]
        assert after.position_x >= max(sup[2], sub[2]) - 0.01                # no overhang


def test_the_report_has_one_maths_style(default_built) -> None:
    page = default_built.html
    body = page.split("<body>", 1)[1]
    body = re.sub(r"<(pre|code|style)\b.*?</\1>", "", body, flags=re.S)
    # Every script and every maths letter belongs to a maths span.
    outside = re.sub(r'<span class="m">(?:<span class="ss">.*?</span>|.)*?</span>', "", body,
                     flags=re.S)
    assert re.findall(r"<su[bp]>.{0,20}", outside) == []
    assert "<var>" not in outside
    assert body.count('<span class="m">') > 500
    # Table 7.1's formula lines and explanations keep no ASCII maths.
    table = re.search(r'id="tab-nodes">.*?</table>', page, re.S).group(0)
    formulas = re.findall(r'<span class="formula">(.*?)</span></td>', table, re.S)
    assert len(formulas) > 8
    for cell in formulas:
        assert ascii_left(cell, hyphens=False) == [], cell
    for cell in re.findall(r"<tr id=\"node-\d+\">.*?</tr>", table, re.S):
        assert ascii_left(cell, hyphens=True) == [], cell


def test_both_stylesheets_set_maths_in_the_face_of_the_equations() -> None:
    from fontTools.ttLib import TTFont

    family = TTFont(mathsvg.DEJAVU_MATH)["name"].getDebugName(1)
    print_css = template_source("report.css")
    rule = re.search(r"^\.m \{([^}]*)\}", print_css, re.M).group(1)
    assert f'font-family: "{family}"' in rule
    assert re.search(r'\.m var \{[^}]*font-style: italic', print_css)
    # The screen sheet adds to the print one and may not pick another face for maths.
    screen = template_source("screen.css")
    assert not re.search(r"\.m[^{]*\{[^}]*font-family", screen)
    assert re.search(r"\.m sub, \.m sup,[^{]*\{ font-size: 72%", screen)
