"""The graph drawings' labels, lifted out of the SVG and laid over it as HTML text, for the PDF.

WeasyPrint's SVG renderer lays out and draws text one letter at a time: the two graph
drawings' ~4,000 letters were most of the time spent writing the PDF. The same labels as
HTML text cost one layout per label. Each one is set where the SVG would have drawn it: the
picture gets the size the stylesheet gave it, each label the same font, size, colour and
baseline, centred on the same point; the text stays text (selectable, searchable).
Only plain labels are lifted (no transform, per-letter positions or spacing); a drawing
with anything else that moves text keeps all of its own. report.html is not changed.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from functools import cache

# Where the stylesheet fits a graph drawing (report.css, `.graph-page img.graph`): the text
# width of an A4 page with 18 mm margins, and 218 mm of its height. A test lays the
# drawing out both ways and compares.
BOX_PT = (174 / 25.4 * 72, 218 / 25.4 * 72)
MIN_PT = 6.5            # smaller labels stay in the picture, as drawn before
PX_PER_PT = 4 / 3
_GRAPH_IMG = re.compile(r'<img class="graph" src="data:image/svg\+xml;base64,([^"]+)"([^>]*)>')
_TEXT = re.compile(r"<text( [^>]*)>([^<]*)</text>\n?")
_SPACES = re.compile(r"[ \t\r\n]+")
_ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')
_PLAIN = {"text-anchor", "x", "y", "font-family", "font-size", "font-weight", "font-style",
          "fill"}
_ROOT = re.compile(r'<svg[^>]* width="([\d.]+)(pt|px)?" height="([\d.]+)(pt|px)?"[^>]*'
                   r' viewBox="([-\d. ]+)"')
# Graphviz's one transform: the whole drawing moved into view (its y axis points up).
_GRAPH0 = re.compile(r'<g id="graph0" class="graph" transform="scale\(([\d.]+) \1\) '
                     r'rotate\(0\) translate\(([-\d.]+) ([-\d.]+)\)">')


@dataclass(frozen=True)
class Label:
    """One lifted label: its text, baseline point and font, in printed points."""

    text: str
    x: float
    y: float
    anchor: str
    family: str
    size: float
    weight: str
    style: str
    fill: str


def lift_graph_text(page: str) -> str:
    """`page` with each graph drawing's labels set as HTML over a picture without them."""
    return _GRAPH_IMG.sub(_lifted, page)


def _lifted(found: re.Match) -> str:
    placed = _place(base64.b64decode(found.group(1)).decode("utf-8"))
    if placed is None:
        return found.group(0)
    (width, height), labels, rest = placed
    uri = base64.b64encode(rest.encode("utf-8")).decode("ascii")
    size = f"width: {width:.3f}pt; height: {height:.3f}pt"
    spans = "".join(_span(label, width) for label in labels)
    return (f'<span class="lifted" style="display: inline-block; position: relative; {size}">'
            f'<img class="graph" src="data:image/svg+xml;base64,{uri}"{found.group(2)} '
            f'style="display: block; {size}; max-width: none; max-height: none; margin: 0">'
            f"{spans}</span>")


def _place(svg: str) -> tuple[tuple[float, float], list[Label], str] | None:
    """(printed size, the labels, the SVG without them); None when it cannot be done."""
    root, graph0 = _ROOT.search(svg), _GRAPH0.search(svg)
    if (root is None or graph0 is None or svg.count("transform=") != 1 or "<a " in svg
            or "<tspan" in svg):
        return None
    natural = [float(root.group(i)) * (1 if root.group(i + 1) == "pt" else 1 / PX_PER_PT)
               for i in (1, 3)]
    fit = min(1.0, BOX_PT[0] / natural[0], BOX_PT[1] / natural[1])
    width, height = natural[0] * fit, natural[1] * fit
    left, top, view_w, view_h = (float(v) for v in root.group(5).split())
    unit = min(width / view_w, height / view_h)           # preserveAspectRatio: meet
    offset = ((width - view_w * unit) / 2, (height - view_h * unit) / 2)
    scale, shift = float(graph0.group(1)), (float(graph0.group(2)), float(graph0.group(3)))

    labels: list[Label] = []

    def lift(found: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(found.group(1)))
        # As SVG sets text (xml:space="default"): spaces, tabs and newlines only (never a
        # no-break space) are trimmed at both ends and each run made one space.
        text = _SPACES.sub(" ", html.unescape(found.group(2))).strip(" ")
        try:
            size = float(attributes["font-size"]) * scale * unit
            x = (scale * (float(attributes["x"]) + shift[0]) - left) * unit + offset[0]
            y = (scale * (float(attributes["y"]) + shift[1]) - top) * unit + offset[1]
        except (KeyError, ValueError):
            return found.group(0)
        if (set(attributes) - _PLAIN or size < MIN_PT or not text.strip()
                or attributes.get("text-anchor", "start") not in ("start", "middle", "end")):
            return found.group(0)
        labels.append(Label(text, x, y, attributes.get("text-anchor", "start"),
                            attributes.get("font-family", "sans-serif"), size,
                            attributes.get("font-weight", "normal"),
                            attributes.get("font-style", "normal"),
                            attributes.get("fill", "black")))
        return ""

    rest = _TEXT.sub(lift, svg)
    return (width, height), labels, rest


def _span(label: Label, width: float) -> str:
    """An absolutely placed line whose baseline and anchor fall where the SVG put them."""
    # Centred or end-anchored text is set in a box that reaches to the drawing's nearer edge
    # (so no box sticks out of the picture); the text is aligned inside it.
    if label.anchor == "middle":
        reach = min(label.x, width - label.x)
        box = f"left: {label.x - reach:.3f}pt; width: {2 * reach:.3f}pt; text-align: center"
    elif label.anchor == "end":
        box = f"left: 0; width: {label.x:.3f}pt; text-align: right"
    else:
        box = f"left: {label.x:.3f}pt; width: {width - label.x:.3f}pt; text-align: left"
    top = label.y - ascent(label.family, label.weight, label.style) * label.size
    family = ", ".join(f"'{name.strip()}'" for name in label.family.split(","))
    return (f'<span style="position: absolute; top: {top:.3f}pt; {box}; white-space: pre; '
            f"font-family: {family}; font-size: {label.size:.3f}pt; "
            f"font-weight: {html.escape(label.weight)}; font-style: {html.escape(label.style)}; "
            f'line-height: normal; color: {html.escape(label.fill)}">'
            f"{html.escape(label.text)}</span>")


@cache
def ascent(family: str, weight: str, style: str) -> float:
    """How far below its box's top WeasyPrint puts a line's baseline, in em of the font."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TextBox

    names = ", ".join(f"'{name.strip()}'" for name in family.split(","))
    page = HTML(string=f'<p style="margin: 0; font: {html.escape(style)} '
                       f'{html.escape(weight)} 100px/normal {names}">M</p>').render()
    boxes = [page.pages[0]._page_box]
    while boxes:
        box = boxes.pop()
        if isinstance(box, TextBox):
            return box.baseline / 100
        boxes.extend(getattr(box, "children", ()))
    raise ValueError(f"no text laid out for the font {family!r}")
