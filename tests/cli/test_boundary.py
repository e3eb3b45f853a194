"""The error boundary: every OSError, long value and control character ends in one
readable sentence, for every command."""

from __future__ import annotations

import errno

import pytest

from backprop.errors import os_reason, quoted
from cli.boundary import readable
from cli.gradreport import main


def one_sentence(capsys, *words: str) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    line = lines[0]
    assert line.startswith("gradreport: ") and line.endswith(".") and "Traceback" not in line
    assert len(line) < 240, line
    for word in words:
        assert word in line, line
    return line


LONG = "n" * 300   # one component over the system's 255


@pytest.mark.parametrize("argv", [
    ["build", "-q", "--out", f"r/{LONG}"],
    ["graph", "-q", "--out", f"r/{LONG}"],
    ["graph", f"{LONG}.py", "--out", "g", "-q"],
    ["compare", f"{LONG}.dat", "b.dat"],
    ["build", "-q", "--out", "/".join(["d" * 200] * 30)],   # a path over 4,096 characters
], ids=["build", "graph", "graph-script", "compare", "path"])
def test_a_name_too_long_is_one_sentence(tmp_path, monkeypatch, capsys, argv) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    one_sentence(capsys, "too long", "characters)")


def test_a_huge_number_is_cut_and_names_no_internal_function(capsys) -> None:
    assert main(["build", "-K", "9" * 5000]) == 2
    line = one_sentence(capsys, "-K/--layers: '9999999999…' (5,000 digits) is too large")
    assert "whole_number" not in line


def test_a_newline_in_a_path_does_not_split_the_sentence(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "two\nlines").write_text("a file where a folder should be")
    assert main(["build", "-q", "--out", "two\nlines/sub"]) == 2
    one_sentence(capsys, "two\\nlines/sub")


def test_a_scripts_exit_message_with_newlines_is_one_line(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.py").write_text("import sys\nsys.exit('first\\nsecond\\x1b[31m')\n")
    assert main(["graph", "s.py", "--out", "g", "-q"]) == 2
    one_sentence(capsys, "stopped: first\\nsecond\\x1b[31m")


@pytest.mark.parametrize("code, words", [
    (errno.ENAMETOOLONG, "the name is too long"),
    (errno.EISDIR, "it is a folder"),
    (errno.EACCES, "permission denied"),
    (errno.EROFS, "read-only file system"),
    (errno.ENOSPC, "no space left on device"),
    (errno.ENOENT, "no such file or directory"),
])
def test_any_os_error_in_a_command_is_its_path_and_reason(monkeypatch, capsys, code,
                                                          words) -> None:
    import cli.compare

    def fails(_args):
        raise OSError(code, "system words", "/some/where.dat")

    monkeypatch.setattr(cli.compare, "run", fails)
    assert main(["compare", "a.dat", "b.dat"]) == 2
    one_sentence(capsys, f"gradreport: /some/where.dat: {words}")


def test_os_reason_is_plain_words_without_the_path() -> None:
    assert os_reason(OSError(errno.EISDIR, "Is a directory", "/x")) == "it is a folder"
    assert os_reason(OSError(errno.EPERM, "Operation not permitted")) == (
        "operation not permitted")


def test_values_are_quoted_escaped_and_cut() -> None:
    assert quoted("seed\n3") == "'seed\\n3'"
    assert quoted("9" * 5000) == "'9999999999…' (5,000 digits)"
    assert quoted("é" * 41) == "'éééééééééé…' (41 characters)"
    assert readable("bad\tvalue " + "x" * 500 + ": gone") == (
        "bad\\tvalue 'xxxxxxxxxx…' (500 characters): gone")


END = r'''
import atexit, os, sys
from cli import boundary
atexit.register(lambda: print("exit handler ran", file=sys.stderr))
print("buffered, not yet written")
if sys.argv[2] == "full":   # the buffered line can no longer be written
    os.dup2(os.open("/dev/full", os.O_WRONLY), 1)
boundary.end("gradreport", int(sys.argv[1]))
'''


def test_end_runs_the_exit_handlers_flushes_and_keeps_the_status() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", END, "3", "-"], capture_output=True, text=True)
    assert done.returncode == 3
    assert done.stdout == "buffered, not yet written\n"
    assert done.stderr == "exit handler ran\n"


def test_end_says_when_stdout_cannot_be_written_as_python_would_with_120() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}   # buffered
    done = subprocess.run([sys.executable, "-c", END, "0", "full"], capture_output=True,
                          text=True, env=env)
    assert done.returncode == 120
    assert done.stderr.splitlines() == [
        "exit handler ran", "gradreport: cannot write to standard output: no space left on device."]
