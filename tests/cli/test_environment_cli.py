"""An unusable SOURCE_DATE_EPOCH stops gradreport build before any work, in one sentence."""

from __future__ import annotations

import pytest

from cli.gradreport import main


@pytest.mark.parametrize("value", ["99999999999999999", "2023-11-14", "9" * 5000])
def test_build_names_the_variable_before_any_work(tmp_path, monkeypatch, capsys, value) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    out = tmp_path / "r"
    assert main(["build", "-K", "1", "-d", "1", "--out", str(out), "-q"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gradreport: SOURCE_DATE_EPOCH "), lines
    assert len(lines[0]) < 160 and captured.out == ""
    assert not out.exists()   # checked before the folder is made, let alone the run


def test_a_usable_value_dates_the_report(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    out = tmp_path / "r"
    assert main(["build", "-K", "1", "-d", "1", "--out", str(out), "-q"]) == 0
    assert "1970-01-02" in (out / "report.html").read_text()
