"""report.pdf laid out in parts (report.pdfparts): the same pages as one document, every
link on its target, the same bytes with or without the helper process, a balanced cut."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from report import pdfparts
from report.output import collector_paused
from report.render import CHAPTERS


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, without its last line (the footer: its number)."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return [page.rstrip().rsplit("\n", 1)[0] for page in text.split("\f")[:-1]]


@pytest.fixture(scope="module")
def whole(default_pdf: Path) -> tuple[bytes, dict[str, tuple[int, float]]]:
    """The report laid out as one document, as before it came in parts: its PDF, and the
    page and height of each anchor."""
    from report.pdf import layout

    with collector_paused():
        document = layout((default_pdf / "report.html").read_text())
        anchors = {}
        for number, page in enumerate(document.pages):
            for name, (_, y, _, _) in page.anchors.items():
                anchors.setdefault(name, (number, y))
        return document.write_pdf(), anchors


def test_the_parts_hold_the_pages_the_whole_document_does(default_pdf: Path, whole) -> None:
    parts = page_texts((default_pdf / "report.pdf").read_bytes())
    one = page_texts(whole[0])
    assert len(parts) == len(one) == 32
    contents = 1   # its numbers come from the parts; laid out alone it has none
    for number, (a, b) in enumerate(zip(parts, one)):
        if number != contents:
            assert a == b, number


def test_every_link_lands_where_the_whole_document_put_its_target(default_pdf: Path,
                                                                  whole) -> None:
    from pypdf import PdfReader

    reader = PdfReader(default_pdf / "report.pdf")
    targets = reader.named_destinations
    _, anchors = whole
    assert set(targets) == set(anchors)
    page_height = float(reader.pages[0].mediabox.height)
    for name, destination in targets.items():
        page, y = anchors[name]
        assert reader.get_destination_page_number(destination) == page, name
        # WeasyPrint's y counts CSS px down from the top; the PDF's points up from the bottom.
        assert destination.top == pytest.approx(page_height - y * 0.75, abs=0.01), name
    links = [annotation.get_object()["/Dest"] for page in reader.pages
             for annotation in page.get("/Annots", []) if "/Dest" in annotation.get_object()]
    assert len(links) > 200 and {str(link) for link in links} <= set(targets)
    # Links that cross parts: the contents to every chapter, Table 7.1 to the listing.
    assert {f"ch-{ident}" for ident, _ in CHAPTERS} | {"lst-build-graph"} <= {
        str(link) for link in links}


def test_the_helper_process_and_this_one_write_the_same_bytes(default_pdf: Path) -> None:
    """gradreport build laid out the middle part in a second process; here it is laid out
    after the first, in this one."""
    from report.pdfparts import warm

    warm()
    with collector_paused():
        here = pdfparts.make_pdf((default_pdf / "report.html").read_text())
    assert here == (default_pdf / "report.pdf").read_bytes()


def test_the_cut_gives_each_process_about_half_the_work() -> None:
    def chapter(tags: int) -> str:
        return '<section class="chapter">' + "<b></b>" * tags + "</section>"

    light, heavy = chapter(100), chapter(3000)
    # One heavy chapter among light ones is the helper's alone, wherever it is.
    for place in range(1, 8):
        chapters = [light] * 8
        chapters[place] = heavy
        assert pdfparts.cut(tuple(chapters)) == (place, place + 1)
    costs = [pdfparts.cost(c) for c in (light, heavy)]
    assert costs[1] > 5 * costs[0]
    # Equal chapters: the helper takes about half; this process, the rest and the front.
    i, j = pdfparts.cut((light,) * 10)
    assert 4 <= j - i <= 6
    with pytest.raises(ValueError, match="two chapters"):
        pdfparts.cut((light,))


def test_the_data_uris_of_images_are_not_counted_as_work() -> None:
    text = '<section class="chapter"><img src="data:image/png;base64,' + "A" * 100_000 + '">'
    assert pdfparts.cost(text) < pdfparts.cost("<p>" + "a" * 1000 + "</p>")


def test_a_helper_that_dies_is_an_error_not_a_hang() -> None:
    from report.worker import PdfHelper

    helper = PdfHelper()
    try:
        os.kill(helper.pid, signal.SIGKILL)
        with pytest.raises(RuntimeError, match="stopped without a word"):
            helper.laid_out()
    finally:
        helper.close()
    with pytest.raises(ChildProcessError):   # reaped: no zombie left
        os.waitpid(helper.pid, os.WNOHANG)


def test_a_helper_reports_its_error() -> None:
    from report.worker import PdfHelper

    helper = PdfHelper()
    try:
        helper.start("<html><body><p>a part</p></body></html>")
        helper.first_page("not a page number")   # its footer cannot add this to a number
        with pytest.raises(RuntimeError, match=r"(?s)second renderer failed:.*TypeError"):
            helper.laid_out()
    finally:
        helper.close()


def test_join_keeps_the_front_matter_metadata_and_labels_the_pages() -> None:
    from pypdf import PdfReader

    from report.pdfparts import warm

    warm()
    page = ('<html><head><meta name="dcterms.created" content="2026-01-02"><title>T</title>'
            '<style>@page {{ size: A6 }} p {{ break-after: page }}</style></head><body>'
            '{}</body></html>')
    front = pdfparts.write(pdfparts.lay_out(page.format("<p>title</p><p>contents</p>")))
    body = pdfparts.write(pdfparts.lay_out(page.format('<p id="x">one</p><p>two</p>')))
    joined = PdfReader(io.BytesIO(pdfparts.join(front, [body, body])))
    assert joined.page_labels == ["i", "ii", "1", "2", "3", "4"]
    assert joined.metadata.title == "T" and joined.metadata.producer.startswith("WeasyPrint")
    assert re.fullmatch(r"D:20260102.*", joined.metadata["/CreationDate"])


def alive(pid: int) -> bool:
    """True while `pid` runs (not gone, not a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return not any(line.startswith("State:") and "Z" in line for line in status)
    except FileNotFoundError:
        return False


def test_a_worker_stopped_mid_pdf_takes_its_busy_helper_with_it() -> None:
    from report.worker import PdfHelper, _stopped_by_parent

    told, tell = os.pipe()
    worker = os.fork()
    if worker == 0:   # the worker: its helper busy laying out a long part
        signal.signal(signal.SIGTERM, _stopped_by_parent)
        helper = PdfHelper()
        helper.start("<html><body>" + "<p>a paragraph of text to lay out</p>" * 20_000)
        helper.first_page(1)
        os.write(tell, str(helper.pid).encode())
        signal.pause()
        os._exit(0)
    helper = int(os.read(told, 20))
    time.sleep(0.2)
    assert alive(helper)   # laying out: it would go on for seconds
    os.kill(worker, signal.SIGTERM)
    os.waitpid(worker, 0)
    deadline = time.monotonic() + 1
    while alive(helper) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not alive(helper)
