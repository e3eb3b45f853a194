"""The package as a user installs it: a wheel in a fresh environment, run outside the checkout.

The environment borrows the project's installed dependencies (a .pth line naming the
.venv's site-packages, which does not process the editable install's own .pth files),
so the only copy of backprop-lab it can import is the wheel's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}

PILOT = """
import asyncio, sys
from tui.app import GradTUI
async def main():
    app = GradTUI()
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if app.screen.run is not None:
                break
        await pilot.press("end")
        await pilot.pause(0.2)
        print(app.screen.cursor + 1, len(app.screen.run.steps), app.screen.run.bitwise)
asyncio.run(main())
"""


def run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a command to its end; its output as text."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True,
                          env={**environment, "COLUMNS": "100", **EPOCH, **(env or {})},
                          timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the project's wheel installed: its bin folder."""
    base = tmp_path_factory.mktemp("wheel")
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                "--quiet", "-w", base / "dist", ROOT, cwd=base)
    assert built.returncode == 0, built.stderr
    wheel = next((base / "dist").glob("backprop_lab-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for package in ("backprop", "cli", "report", "tui"):   # pyproject lists them one by one
        for init in (ROOT / package).rglob("__init__.py"):
            assert init.relative_to(ROOT).as_posix() in names, f"{init.parent} is not packaged"
    assert "report/templates/report.css" in names
    assert "report/templates/chapters/notes.html.j2" in names
    assert "tui/gradtui.tcss" in names
    venv = base / "venv"
    assert run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base).returncode == 0
    python = venv / "bin" / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                  cwd=base).stdout.strip()
    (Path(purelib) / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
               "--quiet", wheel, cwd=base)
    assert done.returncode == 0, done.stderr
    return venv / "bin"


def test_the_wheel_is_the_only_copy_importable(installed: Path, tmp_path: Path) -> None:
    where = run(installed / "python", "-c",
                "import backprop, report, tui, cli; "
                "print(*(m.__file__ for m in (backprop, report, tui, cli)))", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    for path in where.stdout.split():
        assert Path(path).is_relative_to(installed.parent), path
        assert not Path(path).is_relative_to(ROOT)


def test_the_installed_commands_write_what_the_checkout_writes(installed: Path,
                                                               tmp_path: Path) -> None:
    mine = Path(sys.executable).parent / "gradreport"   # the editable install's
    outputs = {}
    # Folder names of one length: long paths wrap the tables the same way.
    for name, gradreport in (("wheel", installed / "gradreport"), ("local", mine)):
        out = tmp_path / name
        build = run(gradreport, "build", "--pdf", "-q", "--out", out / "build", cwd=tmp_path)
        assert build.returncode == 0, build.stderr
        graph = run(gradreport, "graph", "-q", "-K", "2", "--out", out / "graph", cwd=tmp_path)
        assert graph.returncode == 0, graph.stderr
        compare = run(gradreport, "compare", out / "build" / "torch_autograd.dat",
                      out / "build" / "my_autograd.dat", cwd=tmp_path)
        assert compare.returncode == 0, compare.stderr
        outputs[name] = (out, build.stdout.replace(str(out), "OUT"),
                         graph.stdout.replace(str(out), "OUT"),
                         compare.stdout.replace(str(out), "OUT"))
    (wheel, *wheel_text), (checkout, *checkout_text) = outputs["wheel"], outputs["local"]
    assert wheel_text == checkout_text
    for folder, names in (("build", ("report.html", "torch_autograd.dat", "my_autograd.dat",
                                     "graph.json", "graph.svg")),
                          ("graph", ("graph.json", "graph.dot"))):
        for file in names:
            assert (wheel / folder / file).read_bytes() == \
                (checkout / folder / file).read_bytes(), file
    assert (wheel / "build" / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "backprop/manual.py" in (wheel / "build" / "report.html").read_text()


def test_the_installed_gradtui_runs_its_screen(installed: Path, tmp_path: Path) -> None:
    helped = run(installed / "gradtui", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "--seed" in helped.stdout
    screen = run(installed / "python", "-c", PILOT, cwd=tmp_path)
    assert screen.returncode == 0, screen.stderr
    cursor, steps, bitwise = screen.stdout.split()
    assert cursor == steps == "78" and bitwise == "True"
