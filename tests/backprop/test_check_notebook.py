"""In a notebook: `from backprop import check; check(backward)` shows itself as a table."""

import re
import sys
from pathlib import Path

import pytest
from IPython.core.formatters import DisplayFormatter
from rich.console import Console

from backprop.check.mutants import mutant
from backprop.config import RunConfig

sys.path.insert(0, str(Path(__file__).parent / "check_fixtures"))


@pytest.fixture(scope="module")
def wrong():
    from backprop import check

    return check(mutant("no_output_mask"), RunConfig(K=1, d=1, seed=2))  # output unit off


def test_the_module_itself_is_the_function():
    from backprop import check

    result = check(mutant(frozenset()), RunConfig(K=1, d=2), sweep=False)
    assert result.agree and result.sweep == ()


def test_jupyter_shows_the_check_as_an_html_table(wrong):
    shown, _ = DisplayFormatter().format(wrong)
    html = shown["text/html"]
    assert html.startswith('<div class="backprop-check"><table>')
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html)
    assert len(rows) == 1 + 2 * 2   # the header, then dL/dW and dL/db of 2 layers
    assert "<td>dL/dW_2</td>" in rows[1]
    assert "does not mask the output ReLU" in html
    assert html.count('<tr style="color:#b00020">') == sum(not r.agree for r in wrong.rows) > 0
    assert re.search(r"<p>The sweep: \d+ of 52 configs agree", html)


def test_html_escapes_what_the_check_holds():
    from backprop import check

    def backward(W, b, x, y):
        return mutant(frozenset())(W, b, x, y)

    backward.__name__ = "<b>mine</b>"
    html = check(backward, RunConfig(K=1, d=2), sweep=False)._repr_html_()
    assert "<b>mine</b>" not in html and "&lt;b&gt;mine&lt;/b&gt;" in html


def test_a_terminal_shows_it_through_rich_with_the_wrong_rows_red(wrong):
    console = Console(record=True, width=200, color_system="truecolor", force_terminal=True)
    console.print(wrong)
    text = console.export_text()
    assert "dL/dW_2" in text and "Diagnosis: your pass behaves like one that" in text
    markup = wrong.__rich__()
    assert isinstance(markup, str)
    red = [line for line in markup.splitlines() if line.startswith("[red]")]
    assert len(red) == sum(not r.agree for r in wrong.rows) > 0
