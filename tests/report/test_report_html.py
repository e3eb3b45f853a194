"""The HTML report: listings are the code that ran, math has its LaTeX, one file, stable."""

from __future__ import annotations

import base64
import html as htmllib
import re
from pathlib import Path

import pytest

from backprop.config import RunConfig
from backprop.steps import manual_source
from report.equations import catalog


def listing_text(page: str, ident: str) -> str:
    """The code of listing `ident` as a reader would copy it: no numbers, no markup."""
    found = re.search(rf'<figure id="{ident}" class="listing">.*?<pre><code>(.*?)</code></pre>',
                      page, re.S)
    assert found, ident
    code = re.sub(r'<span class="linenos">\s*\d+</span>', "", found.group(1))
    return htmllib.unescape(re.sub(r"<[^>]+>", "", code))


def test_hand_written_listing_is_exactly_the_source_that_ran(default_built) -> None:
    source, first = manual_source()
    assert listing_text(default_built.html, "lst-manual") == source
    numbers = re.search(r'<figure id="lst-manual".*?</figure>', default_built.html, re.S).group(0)
    shown = [int(n) for n in re.findall(r'<span class="linenos">\s*(\d+)</span>', numbers)]
    assert shown == list(range(first, first + source.count("\n")))


def test_other_listings_are_their_functions_source(default_built) -> None:
    import inspect

    from backprop import autograd, problem

    for ident, function in (("lst-problem", problem.make_problem),
                            ("lst-build-graph", autograd.build_graph),
                            ("lst-reference", autograd.reference_pass)):
        assert listing_text(default_built.html, ident) == inspect.getsource(function)


def test_marked_lines_of_the_listing_are_linked_from_the_steps_table(default_built) -> None:
    from backprop.steps import marker_lines

    for line in marker_lines().values():
        assert f'id="manual_pass-{line}"' in default_built.html
        assert f'href="#manual_pass-{line}"' in default_built.html


def test_every_equation_is_an_svg_image_with_its_latex_as_alt_text(default_built) -> None:
    page = default_built.html
    images = re.findall(r'<img class="math display" src="data:image/svg\+xml;base64,([^"]+)" '
                        r'alt="([^"]*)"', page)
    shown = {htmllib.unescape(alt) for _, alt in images}
    assert shown == set(catalog(RunConfig()).values())
    svg = base64.b64decode(images[0][0]).decode()
    assert svg.startswith("<svg") and "<path" in svg


def test_equation_numbers_and_references_agree(default_built) -> None:
    page = default_built.html
    number = re.search(r'<div class="equation" id="eq-grad-W">.*?\((\d+\.\d+)\)</span>',
                       page, re.S).group(1)
    assert f'<a class="ref" href="#eq-grad-W">({number})</a>' in page
    assert "@@ref:" not in page


def test_html_is_one_self_contained_file(default_built) -> None:
    page = default_built.html
    sources = re.findall(r'(?:src|href)="([^"#][^"]*)"', page)
    assert sources and all(s.startswith("data:") for s in sources), sources[:3]
    assert "<link" not in page and "<script" not in page


def test_same_config_gives_the_same_html(default_built, tmp_path: Path, build_in_process) -> None:
    again = build_in_process(RunConfig(), tmp_path)
    assert again.html == default_built.html
    assert "2023-11-14" in again.html   # from SOURCE_DATE_EPOCH


def test_date_falls_back_to_today(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from report.collect import report_date

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert report_date() == time.strftime("%Y-%m-%d")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert report_date() == "1970-01-01"


def test_dead_network_gets_a_banner_and_still_reads(tmp_path: Path, build_in_process) -> None:
    built = build_in_process(RunConfig(seed=0), tmp_path)
    page = built.html
    assert page.index('class="banner"') < page.index('id="contents"')   # on the title page
    assert "The output ReLU is off" in page
    assert "This network is dead." in page and "Agreement here proves little." in page
    assert "the gradient stops here, and every gradient below is 0" in page
    assert "(this run)" in page                 # the notes quote this run as the dead one


def test_live_network_has_no_banner(default_built) -> None:
    assert 'class="banner"' not in default_built.html


def test_float64_and_batch_build(tmp_path: Path, build_in_process) -> None:
    built = build_in_process(RunConfig(dtype="float64", batch=3), tmp_path)
    page = built.html
    assert "float64" in page and "the first data point" in page
    assert "x[3]" in page                       # every data point of a small batch is shown
    assert "summed over the 3 data points" in page
    assert "17 significant digits" in page


def test_saved_tensor_view_is_in_the_report_when_drawn_whole(default_built, large_built) -> None:
    page = default_built.html
    figure = re.search(r'<figure id="fig-graph-saved">.*?</figure>', page, re.S).group(0)
    uri = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', figure).group(1)
    svg = base64.b64decode(uri).decode()
    saved = [n for n in default_built.report.graph.nodes if n.kind == "saved"]
    assert len(saved) == 23 and all(f"#{n.number} " in svg for n in saved)
    assert "numbered 81 to 103" in htmllib.unescape(figure)
    # An excerpted graph keeps its saved view in graph-saved.svg only.
    assert 'id="fig-graph-saved"' not in large_built.html
