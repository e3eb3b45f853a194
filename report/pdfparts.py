"""report.pdf laid out in parts, on both cores, and joined into one file.

WeasyPrint lays a document out on one core, and the PDF's layout and writing were most of
a `gradreport build --pdf`. Every chapter begins on a new page, and so does a piece of a
chapter that a template marks with CUT, so these pieces can be laid out as separate
documents without moving a line: the same pages come out. The pieces are cut into parts:

- the first pieces, laid out here, numbered from page 1;
- the middle ones, laid out at the same time by a helper process (report.worker),
  numbered on from where the first part stopped: WeasyPrint numbers its pages once they
  are all laid out, and by then the first part's page count has arrived (`numbered_from`);
- the last ones, if the cut leaves any, laid out here after the first, numbered on from
  the middle part;
- the front matter (title page and contents), laid out last, when every chapter's page is
  known: its contents entries carry them as data-page (the print stylesheet shows them).

The cut gives both processes about the same work (`cut`). pypdf joins the files (`join`):
it copies the pages with their links and bookmarks, then gives the file one table of link
targets (each part held only its own, and a stand-in for each target in another part),
the page labels i, ii, 1, 2, ... that the pages print, and the front matter's metadata.
Without a helper the same parts are laid out one after another: the PDF is the same.
"""

from __future__ import annotations

import html as htmllib
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from weasyprint import Document

_CHAPTER = re.compile(r'(?=<section class="chapter)')
# Marks a forced page break inside a chapter (after its graph page, say): a part may begin
# there without moving a line.
CUT = "<!--part-->"
_TOC_LINK = re.compile(r'<a href="#(ch-[\w-]+)">')
_TAG = re.compile(r"<[^>]*>")
_DATA_URI = re.compile(r'src="data:[^"]*"')
# The work of laying out and writing a part, in microseconds, fitted to parts of the
# default report and of K=40 d=32 (within ~0.3 s a part on this machine): a document's
# own cost, then per piece, per tag, per letter of text and per graph drawing (its labels
# are laid out as text). The front matter and the join, which the first process also does.
DOCUMENT_US, PIECE_US, TAG_US, LETTER_US, GRAPH_US = 85_000, 66_000, 326, 9, 104_000
FRONT_US = 250_000


@dataclass(frozen=True)
class Pieces:
    """The report's HTML cut where a page must break: the head, the front matter, and each
    chapter, or each piece of a chapter where a template marks a forced page break (CUT)."""

    head: str
    front: str
    chapters: tuple[str, ...]
    tail: str

    def document(self, body: str) -> str:
        """A document of `body` with the report's head (its styles) and end."""
        return f"{self.head}{body}{self.tail}"


def pieces(html: str) -> Pieces:
    """The report's HTML in pieces: each chapter is a <section class="chapter">."""
    head, body = html.split("<body>", 1)
    body, tail = body.rsplit("</body>", 1)
    front, *chapters = _CHAPTER.split(body)
    cut_up = [piece for chapter in chapters for piece in _at_page_breaks(chapter)]
    return Pieces(head + "<body>", front, tuple(cut_up), "</body>" + tail)


def _at_page_breaks(chapter: str) -> list[str]:
    """`chapter` cut at its CUT marks; each later piece opens the chapter's section again,
    without its id, and sets the running header as its heading did, out of the flow: a
    block there would take a page of its own before a first element that breaks the page,
    and the section would set it again on the page after its last."""
    first, *rest = chapter.split(CUT)
    if not rest:
        return [first]
    section = re.match(r'<section class="([^"]*)"', chapter)
    heading = re.search(r"<h1>(.*?)</h1>", chapter, re.S)
    title = " ".join(htmllib.unescape(_TAG.sub("", heading[1])).split()) if heading else ""
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    opening = (f'<section class="{section[1] if section else "chapter"}">'
               '<div style="position: absolute; '
               f'string-set: chapter &quot;{htmllib.escape(quoted)}&quot;"></div>')
    return [first, *(opening + piece for piece in rest)]


def cost(chapter: str) -> int:
    """A piece's work to lay out and write, roughly, in microseconds."""
    light = _DATA_URI.sub("", chapter)
    return (PIECE_US + TAG_US * light.count("<") + LETTER_US * len(_TAG.sub("", light))
            + GRAPH_US * light.count('<img class="graph"'))


def cut(chapters: tuple[str, ...]) -> tuple[int, int]:
    """(i, j): the helper lays out chapters[i:j], this process those before and after it
    and the front matter, and joins the files; chosen so that both do about the same work."""
    costs = [cost(chapter) for chapter in chapters]

    def part(piece_costs: list[int]) -> int:
        return DOCUMENT_US + sum(piece_costs) if piece_costs else 0

    def slowest(ij: tuple[int, int]) -> int:
        i, j = ij
        return max(FRONT_US + part(costs[:i]) + part(costs[j:]), part(costs[i:j]))

    cuts = [(i, j) for i in range(1, len(chapters)) for j in range(i + 1, len(chapters) + 1)]
    if not cuts:
        raise ValueError("a report in parts needs two chapters at least")
    return min(cuts, key=slowest)


@dataclass(frozen=True)
class Part:
    """One part written to PDF: its bytes, and the page (from 0) of each of its anchors."""

    pdf: bytes
    anchors: dict[str, int]


@contextmanager
def numbered_from(first_page: Callable[[], int]) -> Iterator[None]:
    """Pages laid out inside are numbered from first_page(), asked for once all of them are
    laid out and the first page's margins are made (counter(page) in @page: the footer)."""
    import weasyprint.layout

    make_margin_boxes = weasyprint.layout.make_margin_boxes
    start: list[int] = []

    def numbered(context: object, page: object, state: tuple) -> object:
        if not start:
            start.append(first_page())
        quote_depth, counters, scopes, groups = state
        counters = {**counters, "page": [counters["page"][0] + start[0] - 1]}
        return make_margin_boxes(context, page, (quote_depth, counters, scopes, groups))

    weasyprint.layout.make_margin_boxes = numbered
    try:
        yield
    finally:
        weasyprint.layout.make_margin_boxes = make_margin_boxes


def lay_out(html: str, first_page: Callable[[], int] = lambda: 1) -> Document:
    """The laid-out pages of one part, numbered from first_page()."""
    from report.pdf import layout

    with numbered_from(first_page):
        return layout(html)


def anchors_of(document: Document) -> dict[str, int]:
    """The page (from 0) of each anchor of `document`."""
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:   # a box cut across pages is on each: its first counts
            anchors.setdefault(name, number)
    return anchors


def write(document: Document) -> Part:
    """`document` as PDF. A link to another part's anchor gets a stand-in target on the first
    page (else WeasyPrint drops the link); join() points it at the real one."""
    anchors = anchors_of(document)
    for page in document.pages:
        for kind, target, _, _ in page.links:
            if kind == "internal" and target not in anchors:
                document.pages[0].anchors.setdefault(target, (0, 0, 0, 0))
    return Part(document.write_pdf(), anchors)


class Helper(Protocol):
    """Who lays out the middle part: a second process (report.worker.PdfHelper) or, where
    there is none, this one, when asked for its pages (InProcess)."""

    def start(self, html: str) -> None:
        """Begin laying out the part `html`."""

    def first_page(self, number: int) -> None:
        """The number its first page is to print."""

    def laid_out(self) -> tuple[int, dict[str, int]]:
        """Its page count and its anchors' pages (from 0), once it is laid out."""

    def part(self) -> Part:
        """The part, written."""


class InProcess:
    """The middle part laid out here, after the first."""

    def start(self, html: str) -> None:
        self.html = html

    def first_page(self, number: int) -> None:
        self.document = lay_out(self.html, lambda: number)

    def laid_out(self) -> tuple[int, dict[str, int]]:
        return len(self.document.pages), anchors_of(self.document)

    def part(self) -> Part:
        return write(self.document)


def make_pdf(html: str, helper: Helper | None = None) -> bytes:
    """report.pdf of the report's `html`, its middle part laid out by `helper`."""
    report = pieces(html)
    i, j = cut(report.chapters)
    middle = helper or InProcess()
    middle.start(report.document("".join(report.chapters[i:j])))
    first = lay_out(report.document("".join(report.chapters[:i])))
    middle.first_page(len(first.pages) + 1)
    parts = [write(first)]
    numbers = {name: page + 1 for name, page in parts[0].anchors.items()}   # printed pages
    middle_pages, middle_anchors = middle.laid_out()
    numbers.update({name: len(first.pages) + page + 1 for name, page in middle_anchors.items()})
    if j < len(report.chapters):
        last_page = len(first.pages) + middle_pages
        parts.append(write(lay_out(report.document("".join(report.chapters[j:])),
                                   lambda: last_page + 1)))
        numbers.update({name: last_page + page + 1 for name, page in parts[1].anchors.items()})
    front = write(lay_out(report.document(with_page_numbers(report.front, numbers))))
    parts.insert(1, middle.part())
    return join(front, parts)


def warm() -> None:
    """Import WeasyPrint and pypdf, and run a part through layout, numbering and join once."""
    from report.pdf import warm

    warm()
    part = write(lay_out('<html><body><p id="a"><a href="#b">a</a></p></body></html>', lambda: 2))
    join(part, [part])


def with_page_numbers(front: str, numbers: dict[str, int]) -> str:
    """The front matter with each contents entry's page number as its link's data-page."""
    return _TOC_LINK.sub(lambda link: f'<a href="#{link[1]}" data-page="{numbers[link[1]]}">',
                         front)


def join(front: Part, parts: list[Part]) -> bytes:
    """One PDF of the front matter, then `parts`: pages, links, bookmarks, metadata."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    targets: dict[str, ArrayObject] = {}
    start = front_pages = 0
    for number, part in enumerate([front, *parts]):
        reader = PdfReader(io.BytesIO(part.pdf))
        if number == 0:
            writer.add_metadata(dict(reader.metadata))
            front_pages = len(reader.pages)
        writer.append(reader)
        for name, page in part.anchors.items():
            where = reader.named_destinations[name]
            targets[name] = ArrayObject([
                writer.pages[start + page].indirect_reference, NameObject("/XYZ"),
                FloatObject(where.left), FloatObject(where.top), NumberObject(0)])
        start += len(reader.pages)
    names = ArrayObject()
    for name in sorted(targets):
        names.extend([TextStringObject(name), targets[name]])
    writer.root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/Dests"): DictionaryObject({NameObject("/Names"): names})})
    writer.set_page_label(0, front_pages - 1, style="/r")
    writer.set_page_label(front_pages, start - 1, style="/D", start=1)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
