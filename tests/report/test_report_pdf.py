"""The PDF as a reader gets it: its text, its contents page, its metadata."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from backprop.compare import significant
from backprop.datfile import read_dat
from report.render import CHAPTERS, TITLE


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext -layout), whitespace runs folded to one space."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")[:-1]]


def test_pdf_text_has_every_chapter_title(default_pdf: Path) -> None:
    text = " ".join(pdf_pages(default_pdf / "report.pdf"))
    for _, title in CHAPTERS:
        assert title in text, title


def test_pdf_text_has_the_loss_of_run_json(default_pdf: Path) -> None:
    loss = json.loads((default_pdf / "run.json").read_text())["loss"]
    text = " ".join(pdf_pages(default_pdf / "report.pdf"))
    assert repr(loss) in text


def test_pdf_text_has_a_gradient_from_the_dat_file_at_five_digits(default_pdf: Path) -> None:
    text = " ".join(pdf_pages(default_pdf / "report.pdf"))
    gradients = read_dat(default_pdf / "torch_autograd.dat").gradients
    values = [significant(v) for v in gradients["W11"].flatten().tolist()]
    assert len(set(values)) > 3          # a gradient worth checking: not all zeros
    for value in values:
        assert value in text, value
    mine = read_dat(default_pdf / "my_autograd.dat").gradients["b1"].flatten().tolist()
    for value in mine:
        assert significant(value) in text


def test_contents_page_numbers_point_at_their_chapters(default_pdf: Path) -> None:
    pages = pdf_pages(default_pdf / "report.pdf")
    contents = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Contents"))
    entries = re.findall(r"(\d+|A) ([A-Z][\w :,]+?)[ .]+?(\d+)(?= \d| A |\s*$| Page)",
                         pages[contents])
    found = {title.strip(): (number, int(page)) for number, title, page in entries}
    assert len(found) == len(CHAPTERS), found
    from pypdf import PdfReader

    reader = PdfReader(default_pdf / "report.pdf")
    # The bookmarks are made from the headings where they were laid out.
    heading_page = {item.title: reader.get_destination_page_number(item) + 1
                    for item in reader.outline if not isinstance(item, list)}
    for _, title in CHAPTERS:
        number, page = found[title]
        assert page > contents + 1
        assert f"{number} {title}" in pages[page - 1], (title, page)
        assert heading_page[f"{number} {title}"] == page, title


def test_pdf_has_the_title_in_its_metadata_and_bookmarks(default_pdf: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(default_pdf / "report.pdf")
    assert reader.metadata.title.startswith(TITLE)
    marks = [item.title for item in reader.outline if not isinstance(item, list)]
    for _, title in CHAPTERS:
        assert any(title in mark for mark in marks), title


def test_every_page_says_page_x_of_y(default_pdf: Path) -> None:
    pages = pdf_pages(default_pdf / "report.pdf")
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in page
