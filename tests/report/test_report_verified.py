"""Table 7.1 shows each box's verified mark and the line that created it; a FAILED one is
as loud in the HTML and the PDF as a failing test; the sentence counts the records."""

from __future__ import annotations

import dataclasses
import html
import re
import subprocess
from collections import Counter

import pytest

from backprop.config import RunConfig


def row_of(page: str, number: int) -> str:
    """The HTML of Table 7.1's row for box `number`."""
    table = re.search(r'id="tab-nodes">.*?</table>', page, re.S).group(0)
    return re.search(rf'<tr id="node-{number}">.*?</tr>', table, re.S).group(0)


def cells(row: str) -> list[str]:
    """The row's cells as plain text."""
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_every_box_shows_its_mark_and_its_line_and_the_sentence_counts_them(default_built):
    from backprop.graph import graph_of_run
    from backprop.run import compute_run

    records = graph_of_run(compute_run(RunConfig(), fd=False), render=False).nodes
    page = default_built.html
    for node in records:
        row = cells(row_of(page, node.number))
        assert row[4] == node.verified                     # "exact" for every box here
        if node.source is not None:
            assert f"autograd.py:{node.source.line}" in row[1]
            assert f'href="#lst-build-graph">autograd.py:{node.source.line}<' in \
                row_of(page, node.number)
    marks = Counter(n.verified for n in records if n.verified)
    assert marks == {"exact": 80}
    assert (f"All {marks['exact']} formulas verified exact on this run's gradients."
            in html.unescape(page))
    assert 'class="banner"' not in page.split('id="ch-graph"')[-1].split("</section>")[0]


@pytest.fixture(scope="module")
def forced(tmp_path_factory, default_built):
    """The default report with W11's AccumulateGrad (#9) marked FAILED and #4 close: its
    HTML, and the text of its graph chapter printed by WeasyPrint (the chapter alone: the
    whole document takes three times as long and adds nothing here)."""
    from backprop.graph import draw, graph_of_run
    from backprop.run import compute_run
    from report.graphview import graph_view
    from report.pdf import layout
    from report.render import render_html

    graph = graph_of_run(compute_run(RunConfig(), fd=False), render=False)
    nodes = list(graph.nodes)
    assert nodes[8].label == "AccumulateGrad" and nodes[8].number == 9
    nodes[8] = dataclasses.replace(nodes[8], verified="FAILED", error=0.5,
                                   why="the leaf's .grad: max relative error 0.5")
    nodes[3] = dataclasses.replace(nodes[3], verified="close", error=3.1e-7)
    graph = draw(dataclasses.replace(graph, nodes=tuple(nodes)), layers=11)
    page = render_html(dataclasses.replace(default_built.report, graph=graph_view(graph, 11)))
    head = page.split("<body", 1)[0]
    chapter = re.search(r'<section class="chapter" id="ch-graph">.*?</section>', page, re.S)
    pdf = tmp_path_factory.mktemp("forced") / "graph.pdf"
    pdf.write_bytes(layout(f"{head}<body>{chapter.group(0)}</body></html>").write_pdf())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return nodes, page, text


def test_a_failed_box_is_loud_in_the_html(forced) -> None:
    nodes, page, _ = forced
    row = row_of(page, 9)
    assert '<td class="no">FAILED<br><span class="nowrap">0.5</span></td>' in row
    assert cells(row_of(page, 4))[4] == "close 3.1e-07"
    banner = re.search(r'<div class="banner">(.*?)</div>', page.split('id="tab-nodes"')[0]
                       .split("Every box")[0], re.S)
    assert banner, "no banner over the graph's table"
    loud = html.unescape(banner.group(1))
    assert "1 of the graph's formulas FAILED their check" in loud
    assert "#9 AccumulateGrad: the leaf's .grad: max relative error 0.5" in loud
    marks = Counter(n.verified for n in nodes if n.verified)
    assert marks == {"exact": 78, "close": 1, "FAILED": 1}
    assert (f"Of the 80 formulas checked on this run's gradients, {marks['exact']} exact, "
            f"1 close (largest relative error 3.1e-07) and 1 FAILED (#9).") in html.unescape(page)


def test_a_failed_box_is_loud_in_the_pdf_text(forced) -> None:
    _, _, text = forced
    flat = " ".join(text.split())
    assert "1 of the graph's formulas FAILED their check on this run's gradients." in flat
    assert "1 FAILED (#9)." in flat
    # The table's row: #9, its label, the box it sends to (12), the mark and its error.
    assert re.search(r"^\s*9\s+AccumulateGrad\b.*\b12\s+FAILED\b", text, re.M), \
        [line for line in text.splitlines() if "FAILED" in line]
