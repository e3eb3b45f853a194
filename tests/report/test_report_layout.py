"""Nothing is clipped: every laid-out box stays inside its page's content area."""

from __future__ import annotations

import logging

import pytest

from report.pdf import layout

TOLERANCE = 0.5   # CSS px; rounding in the layout


def outside(document) -> list[str]:
    """Boxes that reach past the content area (or, for headers and footers, the page)."""
    from weasyprint.formatting_structure.boxes import MarginBox

    found = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left, top = page_box.content_box_x(), page_box.content_box_y()
        area = (left, top, left + page_box.width, top + page_box.height)
        for child in page_box.children:
            bounds = (0, 0, page.width, page.height) if isinstance(child, MarginBox) else area
            for box in child.descendants():
                # The border box is what is drawn; margins may run into the page margin.
                x, y = box.border_box_x(), box.border_box_y()
                right, bottom = x + box.border_width(), y + box.border_height()
                if (x < bounds[0] - TOLERANCE or y < bounds[1] - TOLERANCE
                        or right > bounds[2] + TOLERANCE or bottom > bounds[3] + TOLERANCE):
                    text = getattr(box, "text", "") or getattr(box.element, "tag", "")
                    found.append(f"page {number}: {type(box).__name__} {text[:40]!r} "
                                 f"x {x:.0f}..{right:.0f}, y {y:.0f}..{bottom:.0f}")
    return found


@pytest.fixture(scope="module")
def default_layout(default_built):
    return layout(default_built.html)


@pytest.fixture(scope="module")
def large_layout(large_built):
    return layout(large_built.html)


def test_default_report_has_no_box_outside_its_page(default_layout) -> None:
    assert len(default_layout.pages) > 10
    assert outside(default_layout) == []


def test_large_network_report_has_no_box_outside_its_page(large_layout) -> None:
    assert outside(large_layout) == []


def test_float64_batch_report_has_no_box_outside_its_page(tmp_path, build_in_process) -> None:
    from backprop.config import RunConfig

    built = build_in_process(RunConfig(dtype="float64", batch=3), tmp_path)
    document = layout(built.html)
    assert len(document.pages) > 10
    assert outside(document) == []


def test_the_walk_finds_a_box_that_is_too_wide() -> None:
    html = ('<style>@page { size: A4; margin: 20mm }</style>'
            '<pre style="white-space: pre">' + "x" * 400 + "</pre>")
    assert any("TextBox" in found for found in outside(layout(html)))


def test_large_network_tables_are_cut_to_excerpts(large_built) -> None:
    assert not large_built.report.diagnostics        # alive, finite: real numbers to lay out
    html = large_built.html
    assert "units 1–10 of 32" in html or "the first 10 of 32" in html
    assert "layers 5–37 left out" in html
    assert "rows 1–10, columns 1–10" in html
    assert "torch_autograd.dat" in html
    # The first layers' blocks are shown (layer 1 in chapter 6), a middle layer's is not.
    assert 'id="values-W1"' in html and 'id="appendix-W2"' in html
    assert 'id="appendix-W20"' not in html
    # Long tables: the layers, the comparison and the graph's boxes are excerpts too.
    assert "layers 5–37: hidden, 32 × 32 each" in html
    assert "dL/dW5 … dL/db37: 66 gradients" in html
    assert "<td>dL/dW20</td>" not in html and "<td>dL/dW38</td>" in html
    assert "Layers 37 down to 5: 231 boxes of the same kinds" in html
    shown = {n.number for n in large_built.report.graph.nodes if n.layer in (None, 1, 41)}
    for number in shown:
        assert f'<tr id="node-{number}">' in html
    middle = [n.number for n in large_built.report.graph.nodes if n.layer == 20]
    assert middle and f'<tr id="node-{middle[0]}">' not in html


def test_layout_logs_no_warning(default_built, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        layout(default_built.html)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def wrapped_number_lines(document) -> list[str]:
    """pre.numbers blocks laid out on more lines than their text has: a line wrapped."""
    from weasyprint.formatting_structure.boxes import BlockBox, LineBox

    laid: dict[int, list] = {}
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if (isinstance(box, BlockBox) and box.element_tag == "pre"
                    and "numbers" in (element.get("class") or "")):
                lines = sum(isinstance(child, LineBox) for child in box.children)
                laid.setdefault(id(element), [element, 0])[1] += lines
    found = []
    for element, lines in laid.values():
        text = "".join(element.itertext()).rstrip("\n")
        if lines != text.count("\n") + 1:
            found.append(f"{lines} lines for {text.count(chr(10)) + 1}: {text[:60]!r}")
    return found


def test_no_line_of_numbers_wraps(default_layout, large_layout) -> None:
    assert wrapped_number_lines(default_layout) == []
    assert wrapped_number_lines(large_layout) == []


def test_the_wrap_check_finds_a_wrapped_line() -> None:
    html = ('<style>@page { size: A4; margin: 20mm } pre { white-space: pre-wrap }</style>'
            '<pre class="numbers">' + "1.0000e+00 " * 60 + "\nshort</pre>")
    assert wrapped_number_lines(layout(html))


def test_three_digit_exponents_fit_without_wrapping(default_built) -> None:
    """float64 values reach -1.2346e+123: columns widen, the font shrinks, nothing wraps."""
    import dataclasses

    from report.render import render_html

    def huge(rows):
        return tuple(tuple("-1.2346e+123" for _ in row) for row in rows)

    report = default_built.report
    blocks = tuple(dataclasses.replace(b, autograd=huge(b.autograd), manual=huge(b.manual))
                   for b in report.blocks)
    layers = tuple(dataclasses.replace(layer, z=tuple("-9.8765e+200" for _ in layer.z))
                   for layer in report.layers)
    document = layout(render_html(dataclasses.replace(report, blocks=blocks, layers=layers)))
    assert wrapped_number_lines(document) == []
    assert outside(document) == []


def graph_label_points(document, svg: str) -> float:
    """The size in pt at which the graph figure's smallest text is printed."""
    import re

    drawn = next(box for page in document.pages for box in page._page_box.descendants()
                 if getattr(box, "element", None) is not None
                 and box.element.get("class") == "graph")
    natural = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))
    # The smallest text of the drawing: the layer bands' labels as much as the boxes'.
    font = min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg))
    return font * drawn.width * 0.75 / natural       # CSS px are 0.75 pt


def test_graph_labels_are_readable_on_one_page(default_built, default_layout, large_built,
                                               large_layout) -> None:
    for built, document in ((default_built, default_layout), (large_built, large_layout)):
        assert graph_label_points(document, built.report.graph.svg) >= 6.5
    # The deep network's figure is an excerpt: the middle layers are one ⋮ box.
    assert "layers 37 down to 5" in large_built.report.graph.svg
    numbers = {n.number for n in large_built.report.graph.nodes if n.layer == 20}
    assert not any(f">#{number} " in large_built.report.graph.svg for number in numbers)


def test_the_stylesheet_lets_a_too_long_line_of_numbers_stick_out() -> None:
    """pre.numbers does not wrap, so a line too long for the page is caught, not hidden."""
    from report.render import template_source

    css = template_source("report.css")
    html = (f"<style>{css}</style><pre class='numbers'>" + "-1.2346e+123 " * 40
            + "</pre>")
    document = layout(html)
    assert any("TextBox" in found for found in outside(document))
    assert wrapped_number_lines(document) == []


MIN_PT = 6.5    # the smallest text that prints legibly
PX_PER_PT = 4 / 3


def _walk(box, table=None):
    """(box, the table box it is inside or None) for `box` and everything under it."""
    from weasyprint.formatting_structure.boxes import TableBox

    table = box if isinstance(box, TableBox) else table
    yield box, table
    for child in getattr(box, "children", ()):
        yield from _walk(child, table)


def cells_overflowing(document) -> list[str]:
    """Text that reaches past the right edge of its table cell (into the next column)."""
    from weasyprint.formatting_structure.boxes import TableCellBox, TextBox

    found = []
    for number, page in enumerate(document.pages, start=1):
        for cell, _ in _walk(page._page_box):
            if not isinstance(cell, TableCellBox):
                continue
            edge = cell.padding_box_x() + cell.padding_width()
            for box, _ in _walk(cell):
                if isinstance(box, TextBox) and box.position_x + box.width > edge + TOLERANCE:
                    found.append(f"page {number}: {box.text[:30]!r} ends at "
                                 f"{box.position_x + box.width:.0f}, its cell at {edge:.0f}")
    return found


def lone_rows(document) -> list[int]:
    """Pages whose only content is one row of a table (the others went to other pages)."""
    from weasyprint.formatting_structure.boxes import TableRowGroupBox, TextBox

    found = []
    for number, page in enumerate(document.pages, start=1):
        rows, text_outside = 0, 0
        for child in page._page_box.children:
            if type(child).__name__ == "MarginBox":
                continue
            for box, table in _walk(child):
                if isinstance(box, TableRowGroupBox) and not box.is_header:
                    rows += len(box.children)
                elif isinstance(box, TextBox) and table is None and box.text.strip():
                    text_outside += 1
        if rows == 1 and text_outside == 0:
            found.append(number)
    return found


def small_text(document) -> list[str]:
    """Text laid out under MIN_PT, in the page or in the margins."""
    from weasyprint.formatting_structure.boxes import TextBox

    found = set()
    for number, page in enumerate(document.pages, start=1):
        for box, _ in _walk(page._page_box):
            size = box.style["font_size"] / PX_PER_PT
            if isinstance(box, TextBox) and box.text.strip() and size < MIN_PT - 0.01:
                found.add(f"page {number}: {size:.2f} pt {box.text[:30]!r}")
    return sorted(found)


def small_figure_text(document, html: str) -> list[str]:
    """Text inside the report's SVG figures that prints under MIN_PT once scaled."""
    import base64
    import re

    svgs = {alt: base64.b64decode(data).decode() for data, alt in re.findall(
        r'<img class="figure-img" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"',
        html)}
    found = []
    for page in document.pages:
        for box, _ in _walk(page._page_box):
            element = getattr(box, "element", None)
            alt = element.get("alt") if element is not None and element.tag == "img" else None
            if alt not in svgs:
                continue
            svg = svgs.pop(alt)
            natural = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
            smallest = min(float(s) for s in re.findall(r'font-size="([\d.]+)"', svg))
            points = smallest * box.width / natural / PX_PER_PT
            if points < MIN_PT - 0.01:
                found.append(f"{alt!r}: {points:.2f} pt")
    assert not svgs, f"figures not found in the layout: {list(svgs)}"
    return found


def test_no_cell_text_runs_into_the_next_column(default_layout, large_layout) -> None:
    assert cells_overflowing(default_layout) == []
    assert cells_overflowing(large_layout) == []


def test_no_page_holds_a_single_table_row(default_layout, large_layout) -> None:
    assert lone_rows(default_layout) == []
    assert lone_rows(large_layout) == []


def test_no_text_prints_under_six_and_a_half_points(default_built, default_layout,
                                                   large_built, large_layout) -> None:
    for built, document in ((default_built, default_layout), (large_built, large_layout)):
        assert small_text(document) == []
        assert small_figure_text(document, built.html) == []


def test_the_print_checks_find_what_they_look_for() -> None:
    html = ('<style>@page { size: A4; margin: 20mm } td { width: 2em }</style>'
            '<p style="font-size: 6pt">tiny</p><table style="table-layout: fixed; width: 4em">'
            '<tr><td class="num" style="white-space: nowrap">281 282 283</td><td>b</td></tr>'
            '</table><p style="break-before: page"></p>'
            '<table><tr><td>alone</td></tr></table>')
    document = layout(html)
    assert cells_overflowing(document) and small_text(document)
    assert lone_rows(document) == [2]
