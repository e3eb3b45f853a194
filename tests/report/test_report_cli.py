"""`gradreport build` with the report: files, progress, quiet, and errors in one sentence."""

from __future__ import annotations

from pathlib import Path

STAGES = ("sampling", "autograd", "hand-written pass", "finite differences", "graph",
          "HTML", "PDF")


def test_build_pdf_writes_html_and_pdf_and_shows_each_stage(default_cli) -> None:
    out, done = default_cli
    for name in ("report.html", "report.pdf", "torch_autograd.dat", "my_autograd.dat",
                 "run.json"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF-")
    shown = [line.split(" ", 1)[1].rsplit(" ", 2)[0] for line in done.stderr.splitlines()
             if line.startswith("✓ ")]
    assert [s for s in shown if s in STAGES] == list(STAGES)
    assert "report.pdf" in done.stdout
    assert not [p for p in out.iterdir() if p.name.startswith(".")]   # no temporary files left


def test_build_without_pdf_writes_only_html_and_quiet_prints_no_progress(
        tmp_path: Path, gradreport) -> None:
    done = gradreport("build", "-q", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert (tmp_path / "report.html").exists() and not (tmp_path / "report.pdf").exists()


def test_unwritable_out_fails_at_once_in_one_sentence(tmp_path: Path, gradreport) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = gradreport("build", "--pdf", "--out", str(blocker / "sub"))
    assert done.returncode == 2
    assert done.stderr.startswith("gradreport: cannot write to ")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_a_report_file_that_cannot_be_written_is_one_sentence(tmp_path: Path, gradreport) -> None:
    (tmp_path / "report.pdf").mkdir()        # the renderer cannot replace a folder with a file
    done = gradreport("build", "--pdf", "-q", "--out", str(tmp_path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("gradreport: cannot write ")
    assert "report.pdf" in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_without_dot_the_report_says_what_to_install_and_still_builds(
        tmp_path: Path, gradreport) -> None:
    done = gradreport("build", "--pdf", "-q", "-K", "2", "--out", str(tmp_path),
                      env={"PATH": ""})
    assert done.returncode == 0, done.stderr
    assert "install the graphviz package" in done.stderr      # said, even with -q
    page = (tmp_path / "report.html").read_text()
    assert '<div class="placeholder"><b>The graph could not be drawn.</b>' in page
    assert "apt-get install graphviz" in page
    assert 'id="node-1"' in page                               # every box still explained
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
