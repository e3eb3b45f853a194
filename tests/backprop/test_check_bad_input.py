"""Bad input to `gradreport check`: a broken file or result, their exception, nan; --out kept."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from check_cli import FIXTURES, assert_left_as_it_was, older_out, one_sentence, run_check


@pytest.fixture
def out(tmp_path):
    return older_out(tmp_path)


def test_a_syntax_error_is_one_sentence_with_its_line(tmp_path, out):
    bad = tmp_path / "mine.py"
    bad.write_text("def backward(W, b, x, y)\n    return W, b\n")
    status, stdout, stderr = run_check(str(bad), "--out", str(out))
    assert status == 2 and stdout == ""
    assert f"{bad}, line 1: expected ':'" in one_sentence(stderr)
    assert_left_as_it_was(out)


def test_a_missing_function_names_the_ones_there_are(out):
    status, _, stderr = run_check(f"{FIXTURES / 'dict_solution.py'}:backward", "--out", str(out))
    assert status == 2
    assert "has no function 'backward'; it defines my_backward" in one_sentence(stderr)
    assert_left_as_it_was(out)


@pytest.mark.parametrize(("name", "words"), [
    ("wrong_count.py", "on the default run (-K 10 -d 10 --seed 2), your backward returned 4 "
                       "items"),
    ("wrong_shape.py", "your dL/dW_1 is (3, 3); it must be (10, 10), the shape of W_1"),
])
def test_a_result_that_breaks_the_contract_ends_in_one_sentence_and_exit_2(name, words, out):
    status, stdout, stderr = run_check(str(FIXTURES / name), "--out", str(out))
    assert status == 2 and stdout == ""
    assert words in one_sentence(stderr)
    assert_left_as_it_was(out)


def test_an_exception_shows_their_traceback_trimmed_to_their_file(out):
    status, _, stderr = run_check(str(FIXTURES / "raises.py"), "--out", str(out))
    assert status == 2
    traceback, sentence = stderr.strip().rsplit("\n", 1)
    assert traceback.startswith("Traceback (most recent call last):")
    files = [line for line in traceback.splitlines() if line.startswith("  File ")]
    assert len(files) == 2 and all("raises.py" in line for line in files)
    assert "backprop" not in traceback.replace(str(FIXTURES), "")
    assert traceback.endswith("IndexError: list index out of range")
    assert sentence == ("gradreport: on the default run (-K 10 -d 10 --seed 2), your code "
                        "raised IndexError (its traceback, trimmed to raises.py, is above).")
    assert_left_as_it_was(out)


def test_nan_where_autograd_has_numbers_is_named_and_exits_1(out):
    status, stdout, stderr = run_check(str(FIXTURES / "nan_grads.py"), "--out", str(out))
    assert status == 1 and stderr == ""
    assert "Your dL/dW_1 holds inf or nan in 100 entries where autograd has numbers." in stdout
    assert json.loads((out / "check.json").read_text())["exit_status"] == 1
