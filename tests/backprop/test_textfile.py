"""Reading a user's text file: the text, or one sentence naming the file and the reason."""

from __future__ import annotations

import pytest

from backprop.errors import UserError
from backprop.textfile import TextFileError, read_text_file


def test_the_text_is_read_as_utf8(tmp_path):
    path = tmp_path / "s.py"
    path.write_text("name = 'Ω'\n", encoding="utf-8")
    assert read_text_file(path, "a Python script") == "name = 'Ω'\n"


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: None, "{p}: no such file."),
    (lambda p: p.mkdir(), "{p}: is a folder, not a Python script."),
    (lambda p: p.write_bytes(b"\xff\xfe\x00bad"), "{p}: is not a text file."),
])
def test_each_failure_is_one_sentence(tmp_path, make, message):
    path = tmp_path / "s.py"
    make(path)
    with pytest.raises(TextFileError) as err:
        read_text_file(path, "a Python script")
    assert str(err.value) == message.format(p=path)
    assert isinstance(err.value, UserError)


def test_other_os_errors_give_their_reason(tmp_path):
    (tmp_path / "file").write_text("")
    path = tmp_path / "file" / "s.py"  # a file where a folder should be: any user can cause
    with pytest.raises(TextFileError) as err:
        read_text_file(path, "a Python script")
    assert str(err.value) == f"{path}: cannot be read (Not a directory)."
