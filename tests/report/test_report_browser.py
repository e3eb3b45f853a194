"""report.html in a real browser (Debian's headless Chromium, driven by Playwright).

At a phone's width and a desktop's, nothing may stick out of the window except inside a box
that scrolls, no two pieces of text may sit on top of each other, every image must load and
every link inside the document must lead somewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = (500, 1280)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium "
                                       "(apt-get install chromium)")

# Text nodes as rectangles, each clipped to the boxes that clip it: what the reader sees.
TEXT_BOXES = """() => {
  const clipping = new Map();
  const clipsOf = (el) => {
    if (clipping.has(el)) return clipping.get(el);
    const up = el.parentElement ? clipsOf(el.parentElement) : [];
    const s = getComputedStyle(el);
    const own = s.overflowX !== 'visible' || s.overflowY !== 'visible'
      ? [...up, el.getBoundingClientRect()] : up;
    clipping.set(el, own);
    return own;
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.data.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      let [l, t, rt, b] = [r.left, r.top, r.right, r.bottom];
      for (const c of clipsOf(node.parentElement)) {
        l = Math.max(l, c.left); t = Math.max(t, c.top);
        rt = Math.min(rt, c.right); b = Math.min(b, c.bottom);
      }
      if (rt - l > 0.5 && b - t > 0.5) out.push([l, t, rt, b, node.data.trim().slice(0, 30)]);
    }
  }
  return out;
}"""

# Elements reaching past the window's edges that no scrolling box holds.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const held = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const found = [];
  // Text that overflows its own box sticks out as much as a box does.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (node.data.trim() && (r.right > width + 0.5 || r.left < -0.5)
        && !held(node.parentElement)
        && getComputedStyle(node.parentElement).overflowX === 'visible') {
      found.push(`text ${JSON.stringify(node.data.trim().slice(0, 30))} ${r.right.toFixed(0)}`);
    }
  }
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if ((r.right > width + 0.5 || r.left < -0.5) && !held(el)) {
      const where = `${r.left.toFixed(0)}..${r.right.toFixed(0)}`;
      found.push(`${el.tagName.toLowerCase()}.${el.className} ${where}`);
    }
  }
  return {found: found.slice(0, 20), page: document.documentElement.scrollWidth, width};
}"""

BROKEN = """() => ({
  images: [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
            .map(i => i.alt.slice(0, 40)),
  links: [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href'))
            .filter(h => !document.getElementById(decodeURIComponent(h.slice(1)))),
  count: [document.images.length, document.querySelectorAll('a[href^="#"]').length],
})"""

FONT_SIZES = """() => {
  const px = (el) => parseFloat(getComputedStyle(el).fontSize);
  const code = [...document.querySelectorAll('code, pre, pre *, td.num, .mono')];
  return {body: px(document.querySelector('.chapter p')), code: Math.min(...code.map(px)),
          count: code.length};
}"""

# Text in code, blocks of numbers and number cells that takes more lines than it has.
WRAPPED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('pre, code, td.num, .mono')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, range = document.createRange();
      range.selectNodeContents(node);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > node.data.split('\\n').length) found.push(node.data.slice(0, 40));
    }
  }
  return found;
}"""


def overlaps(boxes: list[list], tolerance: float = 1.0) -> list[str]:
    """Pairs of text rectangles that overlap by more than `tolerance` px both ways."""
    ordered = sorted(boxes, key=lambda b: b[1])
    found = []
    for i, (l1, t1, r1, b1, s1) in enumerate(ordered):
        for l2, t2, r2, b2, s2 in ordered[i + 1:]:
            if t2 > b1 - tolerance:
                break
            if min(r1, r2) - max(l1, l2) > tolerance and min(b1, b2) - max(t1, t2) > tolerance:
                found.append(f"{s1!r} at ({l1:.0f}, {t1:.0f}) on {s2!r} at ({l2:.0f}, {t2:.0f})")
    return found


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def open_report(browser, html: str, folder: Path, width: int):
    """A page of `browser`, `width` px wide, showing `html` saved in `folder`."""
    path = folder / f"report-{width}.html"
    path.write_text(html, "utf-8")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    return page


@pytest.fixture(scope="module", params=["default", "large"])
def built(request):
    return request.getfixturevalue(f"{request.param}_built")


@pytest.mark.parametrize("width", WIDTHS)
def test_report_fits_the_window_and_no_text_overlaps(browser, built, width, tmp_path) -> None:
    page = open_report(browser, built.html, tmp_path, width)
    wide = page.evaluate(TOO_WIDE)
    assert wide["found"] == [] and wide["page"] <= wide["width"], wide
    boxes = page.evaluate(TEXT_BOXES)
    assert len(boxes) > 500
    assert overlaps(boxes)[:10] == []
    broken = page.evaluate(BROKEN)
    assert broken["images"] == [] and broken["links"] == [], broken
    assert broken["count"][0] > 10 and broken["count"][1] > 20
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_report_reads_at_screen_sizes(browser, default_built, width, tmp_path) -> None:
    page = open_report(browser, default_built.html, tmp_path, width)
    sizes = page.evaluate(FONT_SIZES)
    assert 15.5 <= sizes["body"] <= 17 and sizes["code"] >= 12 and sizes["count"] > 50, sizes
    # Numbers and code never wrap: every line of a block of numbers is one line on screen.
    wrapped = page.evaluate(WRAPPED)
    assert wrapped[:5] == [] and len(wrapped) == 0
    sidebar = page.evaluate("""() => { const t = document.querySelector('nav.toc');
        const text = document.querySelector('#ch-problem').getBoundingClientRect();
        return [getComputedStyle(t).position, t.getBoundingClientRect().right, text.left]; }""")
    if width >= 1100:
        assert sidebar[0] == "fixed" and sidebar[1] <= sidebar[2], sidebar
    else:
        assert sidebar[0] != "fixed", sidebar
    page.close()


def test_the_graph_opens_at_full_size_on_click(browser, default_built, tmp_path) -> None:
    page = open_report(browser, default_built.html, tmp_path, 1280)
    image = page.locator(".graph-zoom img.graph")
    before = image.bounding_box()
    natural = image.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert before["width"] <= natural[0] + 1     # in the text column: never blown up
    image.click()
    assert page.evaluate("location.hash") == "#graph-zoom"
    after = image.bounding_box()
    # Opened: as wide as the window (or its own size, if larger), in proportion.
    assert after["width"] >= max(natural[0], 1200) - 1 and after["width"] > before["width"]
    assert abs(after["height"] / after["width"] - natural[1] / natural[0]) < 0.01
    page.locator(".graph-zoom .close").click()
    assert abs(image.bounding_box()["width"] - before["width"]) < 1
    page.close()


def test_overlap_check_finds_text_on_text(browser, tmp_path) -> None:
    html = ('<p style="position:relative">first line'
            '<span style="position:absolute;left:0;top:2px">on top</span></p>')
    page = open_report(browser, html, tmp_path, 500)
    assert overlaps(page.evaluate(TEXT_BOXES)) != []
    assert page.evaluate(TOO_WIDE)["found"] == []
    page.close()


def test_width_check_finds_a_wide_block(browser, tmp_path) -> None:
    page = open_report(browser, f"<pre>{'x' * 200}</pre>", tmp_path, 500)
    assert page.evaluate(TOO_WIDE)["found"] != []
    page.close()


def test_wrap_check_finds_wrapped_code(browser, tmp_path) -> None:
    html = f'<pre style="white-space: pre-wrap">{"word " * 200}</pre>'
    page = open_report(browser, html, tmp_path, 500)
    assert page.evaluate(WRAPPED) != []
    page.close()
