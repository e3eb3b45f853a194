"""HTML -> PDF with WeasyPrint: lay the document out once, then write that layout.

The HTML carries its images as data URIs, so that report.html is one self-contained file.
The graph drawings' labels are set as HTML text over them (report.svgtext): WeasyPrint
draws SVG text a letter at a time.
WeasyPrint's HTML parser reads attribute values a character at a time, and those URIs
are most of the file; before layout they are moved to a side table and fetched from
there by a short `report-image:N` URL instead. The document laid out is the same.
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # WeasyPrint takes 0.4 s to import: only when a PDF is asked for
    from weasyprint import Document

_DATA_URI = re.compile(r'src="data:(image/[\w+.-]+);base64,([^"]*)"')
SCHEME = "report-image"


def layout(html: str) -> Document:
    """The laid-out pages of `html` (a weasyprint Document); write_pdf() turns them to PDF."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from report.svgtext import lift_graph_text

    images: list[tuple[str, str]] = []

    def stash(match: re.Match) -> str:
        images.append((match.group(1), match.group(2)))
        return f'src="{SCHEME}:{len(images) - 1}"'

    class Fetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith(f"{SCHEME}:"):
                mime, data = images[int(url.partition(":")[2])]
                return URLFetcherResponse(url, base64.b64decode(data), {"Content-Type": mime})
            return super().fetch(url, headers)

    light = _DATA_URI.sub(stash, lift_graph_text(html))
    # Every image is inline, so no base URL is needed (none that could differ when installed).
    return HTML(string=light, url_fetcher=Fetcher()).render()


# The first use of hyphenation loads its dictionary (~0.1 s): a hyphenated word warms it.
WARM_UP = """<html><head><style>
@page { size: A4; margin: 20mm; @bottom-center { content: "Page " counter(page) } }
body { font: 10pt "DejaVu Serif" } h1 { font-family: "DejaVu Sans"; string-set: c content() }
pre { font-family: "DejaVu Sans Mono" }
p { hyphens: auto; text-align: justify; width: 3em }
</style></head><body lang="en"><h1>A</h1><p>a <b>b</b> <i>c</i> x<sub>1</sub><sup>2</sup>
backpropagation</p>
<pre>d <span style="color: red">e</span></pre>
<table><tr><th>f</th><td>g</td></tr></table>
<img src="data:image/svg+xml;base64,{svg}">
<img src="data:image/png;base64,{png}"></body></html>"""


def warm() -> None:
    """Import WeasyPrint and run each kind of content it will meet through it once."""
    from report.figures import png
    from report.svgtext import ascent

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'
           '<symbol id="g" viewBox="0 0 5 5"><path d="M0 0 Q 1 1 2 0 Z"/></symbol>'
           '<use href="#g" x="0" y="0" width="5" height="5"/><text x="1" y="9">h</text></svg>')
    page = WARM_UP.replace("{svg}", base64.b64encode(svg.encode()).decode()).replace(
        "{png}", base64.b64encode(png([[(1, 2, 3)]], 1)).decode())
    layout(page).write_pdf()
    for family in ("DejaVu Sans", "DejaVu Sans Mono"):   # the graph's labels' fonts
        for weight in ("normal", "bold"):
            ascent(family, weight, "normal")
