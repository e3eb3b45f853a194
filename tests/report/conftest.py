"""Shared builds for the report tests: each is made once per session, they are slow."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import support

from backprop.config import RunConfig

EPOCH = "1700000000"   # 2023-11-14: makes the title page's date reproducible


@dataclass(frozen=True)
class Built:
    """A report built in-process: its folder, the Report and the HTML."""

    folder: Path
    report: object
    html: str


def build_in_process(config: RunConfig, folder: Path) -> Built:
    """Compute the run, write its files and render its HTML, as `gradreport build` does."""
    from backprop.graph import draw
    from backprop.notes import assignment_notes
    from backprop.record import write_run_files
    from backprop.run import compute_run
    from report.collect import collect
    from report.render import render_html

    run = compute_run(config)
    write_run_files(run, folder)
    report = collect(run, draw(run.records, layers=run.config.layers), assignment_notes(run),
                     folder)
    return Built(folder, report, render_html(report))


def gradreport(*args: str, env: dict[str, str] | None = None) -> support.Ran:
    """Run the gradreport command line in this process, with a reproducible date."""
    return support.gradreport(*args, env={"SOURCE_DATE_EPOCH": EPOCH, **(env or {})})


@pytest.fixture(name="build_in_process", scope="session")
def _build_in_process():
    """build_in_process(config, folder) -> Built, for tests that need a build of their own."""
    return build_in_process


@pytest.fixture(autouse=True)
def _reproducible_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="session")
def default_cli(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, support.Ran]:
    """`gradreport build --pdf` of the default config: the folder it wrote, and how it ran."""
    out = tmp_path_factory.mktemp("default")
    done = gradreport("build", "--pdf", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out, done


@pytest.fixture(scope="session")
def default_pdf(default_cli: tuple[Path, support.Ran]) -> Path:
    """The folder `gradreport build --pdf` wrote for the default config."""
    return default_cli[0]


@pytest.fixture(name="gradreport")
def _gradreport():
    """gradreport(*args, env=...) -> support.Ran, in this process."""
    return gradreport


@pytest.fixture(scope="session")
def default_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The default config, built in this process."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", EPOCH)
    return build_in_process(RunConfig(), tmp_path_factory.mktemp("default-inproc"))


@pytest.fixture(scope="session")
def large_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """K=40, d=32: long tables must be cut to excerpts, nothing may be clipped.

    kaiming and seed 0 keep it alive and finite (randn at this size is dead or overflows),
    so its tables hold real, wide numbers, not zeros.
    """
    os.environ.setdefault("SOURCE_DATE_EPOCH", EPOCH)
    return build_in_process(RunConfig(K=40, d=32, init="kaiming", seed=0),
                            tmp_path_factory.mktemp("large"))
