"""`gradreport build --check mine.py --pdf`: the chapter "Your backward pass" shows the Check."""

from __future__ import annotations

import html
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
import support

from backprop.check import check
from backprop.check.agree import entries_that_differ
from backprop.check.sweep import options
from backprop.compare import significant
from backprop.config import RunConfig
from backprop.verdict import state_of

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ROOT / "examples" / "solution.py"
FIXTURES = ROOT / "tests" / "backprop" / "check_fixtures"
# A small run keeps the builds quick; its output unit is on (the default seed), so it is live.
RUN = ("-K", "5", "-d", "5")
CONFIG = RunConfig(K=5, d=5)
# A slip planted in dL/dW_3 alone: the layers above agree, so it is the first that differs.
SLIP = '''

_right = backward


def backward(W, b, x, y):
    """The solution above, with dL/dW_3 off by a factor 1.001."""
    grad_W, grad_b = _right(W, b, x, y)
    if len(grad_W) >= 3:
        grad_W[2] = grad_W[2] * 1.001
    return grad_W, grad_b
'''
_TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def wrong(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, support.Ran]:
    """The planted slip: its file, the folder `build --check FILE --pdf` wrote, its exit."""
    folder = tmp_path_factory.mktemp("yourpass")
    path = folder / "mine.py"
    path.write_text(SOLUTION.read_text(encoding="utf-8") + SLIP, encoding="utf-8")
    out = folder / "out"
    with support.environment({"SOURCE_DATE_EPOCH": "1700000000"}):
        done = support.gradreport("build", *RUN, "--check", path, "--pdf", "-q", "--out", out)
    return path, out, done


@pytest.fixture(scope="module")
def expected(wrong):
    """The Check of the same function on the same run, computed here."""
    return check(runpy.run_path(str(wrong[0]))["backward"], CONFIG)


def _section(page: str, ident: str) -> str:
    """The HTML of the element with id `ident` up to its closing table or figure."""
    start = page.index(f'id="{ident}"')
    end = min(i for i in (page.find("</table>", start), page.find("</figure>", start)) if i > 0)
    return page[start:end]


def _rows(table: str) -> list[list[str]]:
    body = table[table.index("<tbody>"):]
    return [[html.unescape(_TAG.sub("", cell)).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _text(markup: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", markup)).split())


def test_the_tables_are_the_checks_and_the_exit_status_too(wrong, expected) -> None:
    _, out, done = wrong
    assert done.returncode == expected.exit_status == 1, done.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    layers = _rows(_section(page, "tab-your-pass"))
    assert [row[:5] for row in layers] == [
        [r.name, "×".join(map(str, r.agreement.shape)),
         {"agree": "yes"}.get(s := state_of(r.differ, r.agreement.nonfinite), s),
         str(r.differ), str(r.agreement.nonfinite)] for r in expected.rows]
    assert [row[5] for row in layers] == [
        "0" if r.agreement.max_rel_error == 0 else f"{r.agreement.max_rel_error:.1e}"
        for r in expected.rows]
    sweep = _rows(_section(page, "tab-your-sweep"))
    assert [(row[1], row[2] == "agree") for row in sweep] == [
        (options(s.config), s.agree) for s in expected.sweep]
    assert 0 < expected.passed < len(expected.sweep)   # the slip shows on some configs only
    text = _text(page)
    smallest = options(expected.smallest)
    assert f"The smallest config that fails (fewest layers, then width, then batch) is {smallest}" \
        in text
    assert f"gradreport check {wrong[0]} {smallest}" in text
    assert expected.diagnosis.status == "unmatched"
    sentence = expected.diagnosis.sentence
    assert sentence[0].upper() + sentence[1:] in text
    assert expected.first[0].upper() + expected.first[1:] in text


def test_the_first_divergence_is_the_planted_tensor_with_its_differing_entries_marked(
        wrong, expected) -> None:
    page = (wrong[1] / "report.html").read_text(encoding="utf-8")
    block = _section(page, "tab-your-first")
    assert "dL/dW_3 (5×5)" in block and "dL/dW_3 by autograd and by your pass" in _text(block)
    mine, theirs = expected.gradients["W3"], expected.autograd["W3"]
    marked = re.findall(r'<span class="differ">\s*(\S+)</span>', block)
    differ = entries_that_differ(mine, theirs)
    assert int(differ.sum()) > 0
    # Row by row, autograd's line then yours: the marked values are the differing entries.
    want = []
    for i in range(5):
        want += [significant(v) for v, bad in zip(theirs[i].tolist(), differ[i]) if bad]
        want += [significant(v) for v, bad in zip(mine[i].tolist(), differ[i]) if bad]
    assert marked == want


def test_the_listing_is_their_file_numbered_with_its_own_lines(wrong) -> None:
    path, out, _ = wrong
    page = (out / "report.html").read_text(encoding="utf-8")
    listing = _section(page, "lst-your-pass")
    code = listing[listing.index("<pre>"):listing.index("</pre>")]
    lines = html.unescape(_TAG.sub("", code)).split("\n")
    source = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert len(source) > 30
    width = len(str(len(source)))
    assert lines[:len(source)] == [f"{i:>{width}}{line}" for i, line in enumerate(source, 1)]
    assert f"<code>{path}</code>, lines 1–{len(source)}" in listing


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_the_pdf_has_the_chapter(wrong, expected) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(wrong[1] / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "9 Your backward pass" in flat and "Table 9.1." in flat and "Table 9.3." in flat
    assert "dL/dW_3" in flat and "Diagnosis" in flat
    assert " ".join(expected.diagnosis.sentence[1:].split()) in flat


def test_without_check_the_report_is_the_same_but_for_the_chapter(
        tmp_path: Path, wrong, gradreport) -> None:
    right = gradreport("build", *RUN, "--check", SOLUTION, "-q", "--out", tmp_path)
    assert right.returncode == 0, right.stderr   # all agree: as gradreport check, 0
    assert "All 12 of your gradients agree" in (tmp_path / "report.html").read_text("utf-8")
    assert (tmp_path / "check.json").exists()
    plain = gradreport("build", *RUN, "-q", "--out", tmp_path)
    assert plain.returncode == 0 and not (tmp_path / "check.json").exists()   # not left over
    page = (tmp_path / "report.html").read_bytes()
    assert b"Your backward pass" not in page and b"your-pass" not in page
    checked = (wrong[1] / "report.html").read_text(encoding="utf-8")
    chapter = re.search(r'<section class="chapter" id="ch-your-pass">.*?</section>\n', checked,
                        re.S)
    entry = re.search(r'<li><a href="#ch-your-pass">.*?</li>\n', checked)
    assert chapter and entry
    without = checked.replace(chapter.group(0), "").replace(entry.group(0), "")
    assert without.encode("utf-8") == page   # the chapter and its entry in the contents only


def test_a_bad_check_target_is_one_sentence_before_any_work(tmp_path: Path, gradreport) -> None:
    out = tmp_path / "out"
    done = gradreport("build", "--check", SOLUTION.with_name("solution.py:forward"),
                      "--out", out)
    assert done.returncode == 2 and not out.exists()
    assert done.stderr.count("\n") == 1 and "has no function 'forward'" in done.stderr
    missing = gradreport("build", "--check", tmp_path / "nowhere.py", "--out", out)
    assert missing.returncode == 2 and not out.exists() and missing.stderr.count("\n") == 1


def test_a_crash_in_their_code_is_checks_sentence_and_leaves_out_as_it_was(
        tmp_path: Path, gradreport) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("an older report", encoding="utf-8")
    target = FIXTURES / "exit3.py"
    built = gradreport("build", *RUN, "--check", target, "-q", "--timeout", "20", "--out", out)
    checked = gradreport("check", target, *RUN, "--timeout", "20", "--out", tmp_path / "check")
    assert built.returncode == checked.returncode == 2
    assert built.stderr == checked.stderr and built.stderr.count("\n") == 1
    assert [p.name for p in out.iterdir()] == ["report.html"]
    assert (out / "report.html").read_text(encoding="utf-8") == "an older report"
