"""`gradreport check` in this process, and what its bad-input tests share."""

from __future__ import annotations

from pathlib import Path

from support import gradreport

FIXTURES = Path(__file__).parent / "check_fixtures"
OLDER = "an older check's file\n"   # what --out held before a check that must fail


def run_check(*argv: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `gradreport check ARGV`."""
    ran = gradreport("check", *argv)
    return ran.returncode, ran.stdout, ran.stderr


def older_out(tmp_path: Path) -> Path:
    """An --out folder holding one older file, which a failed check must leave alone."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "my_autograd.dat").write_text(OLDER)
    return folder


def assert_left_as_it_was(folder: Path) -> None:
    """The folder holds only the older file, unchanged."""
    assert sorted(p.name for p in folder.iterdir()) == ["my_autograd.dat"]
    assert (folder / "my_autograd.dat").read_text() == OLDER


def one_sentence(stderr: str) -> str:
    """The one line of stderr, which must be `gradreport: ... .`."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("gradreport: ") and lines[0].endswith(".")
    return lines[0]
