"""gradreport build and compare, as a user runs them: exit codes and one-sentence errors."""

import os
import subprocess
import sys

import pytest
from support import gradreport, program, python

from backprop.datfile import read_dat


def assert_one_sentence(result, *words):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gradreport: ") and lines[0].endswith(".")
    for word in words:
        assert word in lines[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    result = gradreport("build", "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    return out, result


def test_build_writes_the_files_and_a_summary(built):
    out, result = built
    assert {"torch_autograd.dat", "my_autograd.dat", "run.json"} <= {p.name for p in out.iterdir()}
    assert read_dat(out / "torch_autograd.dat").pass_name == "autograd"
    assert read_dat(out / "my_autograd.dat").pass_name == "hand-written"
    assert "All 22 gradients agree at 5 significant digits and are bit-for-bit identical" in (
        result.stdout)
    assert "finite differences (float64) agree" in result.stdout
    assert result.stderr == ""  # -q: no progress


def test_compare_agreeing_files(built):
    out, _ = built
    result = gradreport("compare", out / "torch_autograd.dat", out / "my_autograd.dat")
    assert result.returncode == 0
    assert ("All 22 gradients agree at 5 significant digits and are bit-for-bit identical."
            in result.stdout)


def test_compare_differing_files(built, tmp_path):
    out, _ = built
    lines = (out / "my_autograd.dat").read_text().splitlines()
    row = lines.index("grad_W3 10 10") + 1
    values = lines[row].split()
    values[4] = f"{float(values[4]) * 1.001 + 1:.8e}"
    lines[row] = " ".join(values)
    changed = tmp_path / "changed.dat"
    changed.write_text("\n".join(lines) + "\n")
    result = gradreport("compare", out / "torch_autograd.dat", changed)
    assert result.returncode == 1
    assert "1 of 22 gradients differ at 5 significant digits (W3)." in result.stdout
    assert gradreport("compare", out / "torch_autograd.dat", changed,
                      "--digits", "2").returncode == 0


@pytest.mark.parametrize("columns", ["80", "100"])
def test_compare_never_cuts_a_number_at_80_columns(built, columns):
    import re

    out, _ = built
    result = program("gradreport", "compare", out / "torch_autograd.dat",
                     out / "my_autograd.dat", env={"COLUMNS": columns})
    rows = [line for line in result.stdout.splitlines() if re.match(r"│ [Wb]\d", line)]
    assert len(rows) == 22
    for line in rows:
        assert len(line) <= int(columns) and "…" not in line, line
        assert len(re.findall(r" \d\.\d\de[+-]\d\d ", line)) == 2, line   # abs and rel error


def test_a_full_disk_for_stdout_is_one_sentence(built):
    out, _ = built
    with open("/dev/full", "w") as full:
        result = program("gradreport", "compare", out / "torch_autograd.dat",
                         out / "my_autograd.dat", stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr == "gradreport: cannot write the output: no space left on device.\n"


def test_a_reader_that_stops_early_does_not_change_the_verdict(built):
    out, _ = built
    compare = subprocess.Popen([sys.executable, "-m", "cli.gradreport", "compare",
                                out / "torch_autograd.dat", out / "my_autograd.dat"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "COLUMNS": "80"})
    compare.stdout.close()   # gone before the table is printed (as `| head -1` after a line)
    assert compare.wait(timeout=60) == 0   # not 1, which would mean "differ"
    assert compare.stderr.read() == ""


def test_a_closed_stderr_ends_the_progress_not_the_build(tmp_path):
    build = subprocess.Popen([sys.executable, "-m", "cli.gradreport", "build", "-K", "1", "-d", "1",
                              "--out", str(tmp_path)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    build.stderr.readline()   # `2>&1 >/dev/null | head -1`
    build.stderr.close()
    assert build.wait(timeout=120) == 0
    assert (tmp_path / "report.html").is_file()


def test_an_ascii_terminal_gets_no_traceback(built, tmp_path):
    out, _ = built
    odd = tmp_path / "ünï.dat"
    odd.write_bytes((out / "my_autograd.dat").read_bytes())
    result = program("gradreport", "compare", out / "torch_autograd.dat", odd, text=False,
                     env={"PYTHONIOENCODING": "ascii", "COLUMNS": "200"})
    assert result.returncode == 0 and result.stderr == b""
    assert b"\\xfcn\\xef.dat" in result.stdout


def test_compare_different_runs(built, tmp_path):
    out, _ = built
    other = tmp_path / "other"
    assert gradreport("build", "--seed", "3", "--out", other, "-q").returncode == 0
    result = gradreport("compare", out / "my_autograd.dat", other / "my_autograd.dat")
    assert_one_sentence(result, "come from different runs", "seed=2 vs 3")


@pytest.mark.parametrize("args, words", [
    (["build", "-K", "0"], ["K (hidden layers) must be between 1 and 100, not 0"]),
    (["build", "-K", "ten"], ["invalid int value: 'ten'"]),
    (["build", "--init", "he"], ["invalid choice: 'he'"]),
    (["build", "--dtype", "half"], ["invalid choice"]),
    (["build", "--seed", "-1"], ["seed must be between"]),
    (["build", "--width", "5000"], ["d (width) must be between 1 and 4096"]),
    (["build", "--bogus"], ["unrecognized arguments: --bogus", "'gradreport build --help'"]),
    (["build", "-K", "1_0"], ["invalid int value: '1_0'"]),      # int() would take these
    (["build", "-K", "\u0663"], ["invalid int value: '\u0663'"]),
    (["build", "--out", ""], ["--out: a folder name cannot be empty"]),
    (["compare", "a", "b", "--digits", "5.0"], ["--digits: invalid int value: '5.0'",
                                                "'gradreport compare --help'"]),
    (["frobnicate"], ["invalid choice: 'frobnicate'"]),
    ([], ["the following arguments are required: COMMAND"]),
    (["compare", "a.dat"], ["required: B.dat"]),
    (["compare", "missing1.dat", "missing2.dat"], ["missing1.dat: no such file"]),
    (["compare", "x.dat", "x.dat", "--digits", "0"], ["--digits must be between 1 and 17"]),
])
def test_bad_options_are_one_sentence(args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_one_sentence(gradreport(*args), *words)


def test_truncated_file_names_the_line(built, tmp_path):
    out, _ = built
    text = (out / "my_autograd.dat").read_text()
    cut = tmp_path / "cut.dat"
    cut.write_text(text[: len(text) // 2])
    result = gradreport("compare", out / "torch_autograd.dat", cut)
    assert_one_sentence(result, str(cut), "line ", "truncated")


def test_unwritable_out_fails_before_work_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = gradreport("build", "--out", blocker / "sub")
    assert_one_sentence(result, "cannot write to", "not a directory")
    assert result.stdout == ""
    assert gradreport("build", "--out", blocker).returncode == 2
    assert blocker.read_text() == "not a folder"
    assert_one_sentence(gradreport("build", "--out", "/proc/no-such-place"), "cannot write")


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from backprop import files

    target = tmp_path / "run.json"
    target.write_text("old")

    def refuse(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(files.OutputError, match="no space left on device"):
        files.atomic_write(target, "new content")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def files_in(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_build_that_fails_leaves_the_folder_as_it_was(tmp_path, monkeypatch, capsys):
    import cli.build
    from backprop.files import OutputError
    from cli.gradreport import main

    out = tmp_path / "out"
    assert main(["build", "-K", "1", "-d", "1", "--out", str(out), "-q"]) == 0
    before = files_in(out)
    assert {"my_autograd.dat", "graph.svg", "report.html"} <= set(before)

    def disk_full(*_args, **_kwargs):   # after the .dat files and run.json are made
        raise OutputError("cannot write graph.svg: no space left on device.")

    monkeypatch.setattr(cli.build, "write_run_graph", disk_full)
    assert main(["build", "--out", str(out), "-q"]) == 2
    assert "no space left" in capsys.readouterr().err
    assert files_in(out) == before   # not K=10's .dat files beside K=1's graph


def test_a_build_replaces_the_whole_set_of_an_older_one(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("report.pdf", "graph-saved.svg", "notes.txt"):
        (out / name).write_text("from an older run")
    assert gradreport("build", "-K", "1", "-d", "1", "--out", out, "-q").returncode == 0
    names = set(files_in(out))
    assert "report.pdf" not in names  # no --pdf this time: an older PDF would not match
    assert (out / "graph-saved.svg").read_text() != "from an older run"
    assert (out / "notes.txt").read_text() == "from an older run"  # not ours: kept
    assert not [name for name in names if name.startswith(".")]


def test_ctrl_c_in_the_report_exits_130_and_changes_nothing(tmp_path):
    out = tmp_path / "out"
    build = subprocess.Popen([sys.executable, "-m", "cli.gradreport", "build", "--pdf", "--out",
                              str(out)], stderr=subprocess.PIPE, text=True)
    for line in build.stderr:   # the run is done; the report has seconds of work left
        if "graph" in line:
            break
    build.send_signal(subprocess.signal.SIGINT)
    err = line + build.stderr.read()
    assert build.wait(timeout=60) == 130, err
    assert "Traceback" not in err and "Error" not in err, err
    assert err.strip().splitlines()[-1] == "gradreport: interrupted."
    assert not out.exists() or files_in(out) == {}


def test_runs_are_deterministic(built, tmp_path):
    out, _ = built
    assert gradreport("build", "--out", tmp_path, "-q").returncode == 0
    for name in ("torch_autograd.dat", "my_autograd.dat", "run.json"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_bad_options_fail_without_importing_torch(tmp_path):
    code = ("import sys; from cli.gradreport import main; code = main(['build', '-K', '0']); "
            "print(code, 'torch' in sys.modules)")
    out = python("-c", code)
    assert out.stdout.split() == ["2", "False"]


def test_overflow_is_never_called_agreement(tmp_path):
    out = tmp_path / "overflow"
    built = gradreport("build", "-K", "80", "--seed", "4", "--out", out, "-q")
    assert built.returncode == 0, built.stderr
    assert "hold inf or nan, which have no digits to agree on" in built.stdout
    assert "All 162 gradients agree" not in built.stdout
    assert "overflow:" in built.stdout
    result = gradreport("compare", out / "torch_autograd.dat", out / "my_autograd.dat")
    assert result.returncode == 1
    assert "gradients hold inf or nan" in result.stdout


def test_markup_in_paths_is_printed_as_is(built, tmp_path):
    out, _ = built
    odd = tmp_path / "e[" / "i]" / "[red]g.dat"   # the path's text holds "[/i]" and "[red]"
    odd.parent.mkdir(parents=True)
    odd.write_bytes((out / "my_autograd.dat").read_bytes())
    result = gradreport("compare", odd, out / "torch_autograd.dat")
    assert result.returncode == 0, result.stderr
    shown = result.stdout.replace("\n", "")
    assert "e[/i]/[red]g.dat" in shown and "Traceback" not in result.stderr


def test_a_failed_build_leaves_no_empty_folder(tmp_path, monkeypatch, capsys):
    from backprop import run as run_module
    from backprop.errors import UserError
    from cli.gradreport import main

    def refuse(*_, **__):
        raise UserError("the machine said no")

    monkeypatch.setattr(run_module, "compute_run", refuse)
    out = tmp_path / "new" / "deeper"
    assert main(["build", "--out", str(out), "-q"]) == 2
    assert "gradreport: the machine said no." in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
