"""Report -> report.html (and report.pdf): the renderer's half of a build.

It never needs torch, and torch never needs it: report.worker runs it in a second
process while the first computes the run. Its imports sit in the functions so that the
worker can be forked before any of them has loaded (they are what it overlaps).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from backprop.config import RunConfig
from backprop.files import atomic_write

if TYPE_CHECKING:
    from report.model import Report
    from report.pdfparts import Helper

HTML_FILE = "report.html"
PDF_FILE = "report.pdf"
REPORT_FILES = (HTML_FILE, PDF_FILE)

Stage = Callable[[str], None]


def prepare(config: RunConfig, pdf: bool) -> None:
    """Import the renderer and do the work that needs only the config: equations, templates."""
    from report import listing, mathsvg, render
    from report.equations import catalog

    render.compile_templates()
    listing.warm()
    mathsvg.warm(list(catalog(config).values()))
    if pdf:
        from report.pdfparts import warm

        warm()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: WeasyPrint makes hundreds of thousands of objects,
    and the collector walked them again and again (a tenth of the layout's time) to free
    almost nothing; the few MB it would have freed are freed when the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_report(report: Report, folder: Path, pdf: bool, stage: Stage,
                 helper: Helper | None = None) -> dict[str, Path]:
    """Render `report` to folder/report.html and, with `pdf`, folder/report.pdf (part of it
    laid out by `helper`, a second process, if there is one)."""
    with collector_paused():
        return _write_report(report, folder, pdf, stage, helper)


def _write_report(report: Report, folder: Path, pdf: bool, stage: Stage,
                  helper: Helper | None) -> dict[str, Path]:
    from report.render import render_html

    stage("HTML")
    html = render_html(report)
    written = {HTML_FILE: folder / HTML_FILE}
    atomic_write(written[HTML_FILE], html)
    if pdf:
        from report.pdfparts import make_pdf

        stage("PDF")
        written[PDF_FILE] = folder / PDF_FILE
        atomic_write(written[PDF_FILE], make_pdf(html, helper))
    return written
