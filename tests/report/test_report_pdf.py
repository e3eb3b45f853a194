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
    entries = re.findall(r"(\d+|A) ([A-Z][\w :,]+?)[ .]+?(\d+)(?= \d| A |\s*$| ii)",
                         pages[contents])
    found = {title.strip(): (number, page) for number, title, page in entries}
    assert len(found) == len(CHAPTERS), found
    from pypdf import PdfReader

    reader = PdfReader(default_pdf / "report.pdf")
    labels = reader.page_labels
    # The bookmarks are made from the headings where they were laid out.
    heading_page = {item.title: reader.get_destination_page_number(item)
                    for item in reader.outline if not isinstance(item, list)}
    for _, title in CHAPTERS:
        number, label = found[title]
        page = labels.index(label)          # the page that prints this number
        assert page > contents
        assert f"{number} {title}" in pages[page], (title, label)
        assert heading_page[f"{number} {title}"] == page, title


def test_pdf_has_the_title_in_its_metadata_and_bookmarks(default_pdf: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(default_pdf / "report.pdf")
    assert reader.metadata.title.startswith(TITLE)
    marks = [item.title for item in reader.outline if not isinstance(item, list)]
    for _, title in CHAPTERS:
        assert any(title in mark for mark in marks), title


def test_pages_are_numbered_as_a_book_and_each_prints_its_label(default_pdf: Path) -> None:
    """The title page bears no number, the contents page ii, chapter 1 starts on page 1; the
    PDF's page labels (what a viewer shows) are the numbers printed."""
    from pypdf import PdfReader

    pages = pdf_pages(default_pdf / "report.pdf")
    labels = PdfReader(default_pdf / "report.pdf").page_labels
    front = labels.index("1")
    assert labels[:front] == ["i", "ii"][:front] and front == 2
    assert labels[front:] == [str(n) for n in range(1, len(pages) - front + 1)]
    assert "Page" not in pages[0] and pages[1].rstrip().endswith(" ii")
    for page, label in zip(pages[front:], labels[front:]):
        assert page.rstrip().endswith(f"Page {label}"), (label, page[-80:])
