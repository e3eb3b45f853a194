"""The graph drawings' labels, set as HTML over the picture in the PDF, print as the SVG drew
them: the same picture at the same size, the same pixels, the labels still text."""

from __future__ import annotations

import base64
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from report.pdf import layout
from report.render import svg_image, template_source
from report.svgtext import lift_graph_text

DIFFERENT = 60          # a grey level this far from the other picture's is a real difference
AT_MOST = 0.002         # of the page's pixels: anti-aliased edges (the labels missing: 2.7%)
# pt: how far a word may move. Labels move by 0.05 pt at most; the ⋮ line of an excerpt by
# 0.26 pt (⋮ comes from a fallback font, whose width the SVG renderer measures on its own).
NEAR = 0.5


def graph_page(svg: str) -> str:
    """The graph's page as the chapter sets it, with the print stylesheet."""
    image = svg_image(svg, "the graph", "graph")
    return (f"<html><head><style>{template_source('report.css')}</style></head><body>"
            f'<div class="graph-page"><figure id="fig-graph">'
            f'<div class="graph-zoom" id="graph-zoom">'
            f'<a class="open" href="#graph-zoom">{image}</a></div>'
            f"<figcaption>Figure 7.1.</figcaption></figure></div></body></html>")


def as_drawn(html: str):
    """The page laid out by WeasyPrint from the HTML as it is, the labels inside the SVG."""
    from weasyprint import HTML

    return HTML(string=html).render()


def words(document) -> list[tuple[str, float, float, float, float]]:
    """Every word of the first page as pdftotext finds it: text, x0, y0, x1, y1 in pt."""
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"],
                          input=document.write_pdf(), capture_output=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)</word>', bbox.decode())
    return sorted((text, *map(float, box)) for *box, text in found)


def picture(document) -> list[int]:
    """The first page at 100 dpi, as grey levels."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "page.pdf"
        pdf.write_bytes(document.write_pdf())
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf),
                        str(pdf.with_suffix(""))], check=True)
        with Image.open(pdf.with_suffix(".png")) as image:
            return list(image.convert("L").tobytes())


def differing(a: list[int], b: list[int]) -> float:
    """The share of pixels whose grey levels differ by more than DIFFERENT."""
    assert len(a) == len(b)
    return sum(abs(p - q) > DIFFERENT for p, q in zip(a, b, strict=True)) / len(a)


def graph_box(document) -> tuple[float, float, float, float]:
    """Where the graph's picture is laid out: x, y, width, height."""
    box = next(box for box in document.pages[0]._page_box.descendants()
               if getattr(box, "element", None) is not None
               and box.element.get("class") == "graph")
    return box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height()


@pytest.fixture(scope="module")
def drawings(default_built, large_built) -> dict[str, str]:
    return {"default": default_built.report.graph.svg,
            "saved": default_built.report.graph.svg_saved,
            "large": large_built.report.graph.svg}


@pytest.mark.parametrize("name", ["default", "saved", "large"])
def test_lifted_labels_print_where_the_svg_drew_them(drawings, name) -> None:
    html = graph_page(drawings[name])
    assert 'class="lifted"' in lift_graph_text(html)
    plain, lifted = as_drawn(html), layout(html)
    assert graph_box(lifted) == pytest.approx(graph_box(plain), abs=0.01)
    assert differing(picture(plain), picture(lifted)) <= AT_MOST
    before, after = words(plain), words(lifted)
    assert [w[0] for w in after] == [w[0] for w in before]
    moved = [(a, b) for a, b in zip(before, after, strict=True)
             if max(abs(p - q) for p, q in zip(a[1:], b[1:], strict=True)) > NEAR]
    assert moved == []


def test_the_picture_check_sees_labels_that_are_missing(drawings) -> None:
    html = graph_page(drawings["default"])
    bare = re.sub(r"<text[^>]*>[^<]*</text>", "", drawings["default"])
    assert differing(picture(as_drawn(html)), picture(as_drawn(graph_page(bare)))) > AT_MOST


def test_lifted_labels_stay_text(drawings) -> None:
    pdf = layout(graph_page(drawings["saved"])).write_pdf()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    labels = re.findall(r"<text [^>]*>([^<]+)</text>", drawings["saved"])
    assert len(labels) > 100
    words = set(text.split())
    # Labels under 6.5 pt stay in the picture, which also draws them as text.
    missing = [label for label in labels if not set(
        label.replace("&#45;", "-").replace("&lt;", "<").replace("&gt;", ">").split()) <= words]
    assert missing == []


@pytest.mark.parametrize("change", [
    ('<text text-anchor="middle"', '<text transform="rotate(90)" text-anchor="middle"'),
    ("</text>", "<tspan>x</tspan></text>"),
])
def test_a_drawing_with_text_it_cannot_place_is_left_as_it_is(drawings, change) -> None:
    html = graph_page(drawings["default"].replace(*change, 1))
    assert lift_graph_text(html) == html


def test_labels_are_lifted_only_from_the_graph_pictures(default_built) -> None:
    lifted = lift_graph_text(default_built.html)
    assert lifted.count('class="lifted"') == 2         # the graph and the saved tensors
    others = re.findall(r'<img class="(?!graph")[^"]*" src="([^"]+)"', lifted)
    assert others == re.findall(r'<img class="(?!graph")[^"]*" src="([^"]+)"',
                                default_built.html)
    assert base64.b64decode(re.search(r'<img class="graph" src="data:image/svg\+xml;base64,'
                                      r'([^"]+)"', lifted).group(1)).count(b"<text") < 20


def test_labels_keep_the_spaces_svg_draws_and_only_those() -> None:
    """SVG trims and collapses spaces, tabs and newlines, never a no-break space."""
    from report.svgtext import _place

    svg = ('<svg width="100pt" height="50pt" viewBox="0.00 0.00 100.00 50.00">\n'
           '<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 46)">\n'
           '<text text-anchor="middle" x="40" y="-20" font-family="DejaVu Sans" '
           'font-size="12.00"> |g|=1.0 \t (1,  2) </text>\n'
           '<text text-anchor="middle" x="40" y="-5" font-family="DejaVu Sans" '
           'font-size="12.00">⋮ &#160;layers</text>\n</g>\n</svg>\n')
    placed = _place(svg)
    assert placed is not None
    assert [label.text for label in placed[1]] == ["|g|=1.0 (1, 2)", "⋮ \xa0layers"]
