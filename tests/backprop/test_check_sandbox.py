"""Bad submissions to `gradreport check`: one sentence (or their traceback), exit 2, --out kept.

Each runs the student's file in its child process, as a user's command would.
"""

import json
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from check_cli import FIXTURES, assert_left_as_it_was, older_out, one_sentence, run_check


@pytest.fixture
def out(tmp_path):
    return older_out(tmp_path)


@pytest.mark.parametrize(("name", "words"), [
    ("exit3.py", "your code ended the process it ran in (exit status 3, as os._exit(3) does)"),
    ("crash.py", "your code crashed the process it ran in (SIGSEGV)"),
    ("alloc20gb.py", "your backward ran out of memory (the limit is 4 GiB), at alloc20gb.py "
                     "line 5"),
])
def test_a_bad_submission_ends_in_one_sentence_and_exit_2(name, words, out):
    status, stdout, stderr = run_check(str(FIXTURES / name), "--out", str(out))
    assert status == 2 and stdout == ""
    assert words in one_sentence(stderr)
    assert_left_as_it_was(out)


def test_an_infinite_loop_is_stopped_at_the_time_limit(out):
    start = time.monotonic()
    status, _, stderr = run_check(str(FIXTURES / "hang.py"), "--timeout", "1", "--out", str(out))
    assert status == 2
    assert "your backward did not return within 1 s (the limit is --timeout)" \
        in one_sentence(stderr)
    assert time.monotonic() - start < 1 + 30   # the child's torch import, then one second
    assert_left_as_it_was(out)


def test_printing_100_mb_is_counted_not_shown(out):
    status, stdout, _ = run_check(str(FIXTURES / "print100mb.py"), "--out", str(out))
    assert status == 0
    assert "Your function printed 100,000,100 characters (the first 10,000 are in check.json)." \
        in stdout
    assert len(stdout) < 20_000
    record = json.loads((out / "check.json").read_text())
    assert record["printed"] == 100_000_100 and len(record["output"]) == 10_000
