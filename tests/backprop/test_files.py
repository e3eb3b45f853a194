"""Writing files: a folder holds one command's whole set of files, or the one before it."""

from __future__ import annotations

import pytest

from backprop import record
from backprop.config import RunConfig
from backprop.files import OutputError, check_folder, staging
from backprop.record import write_run_files


def contents(folder):
    return {p.name: p.read_text() for p in folder.iterdir() if p.is_file()}


def test_staged_files_arrive_together_and_replace_the_whole_older_set(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").write_text("old b")
    (tmp_path / "mine.txt").write_text("not the command's")
    with staging(tmp_path, ["a.txt", "b.txt"]) as stage:
        (stage / "a.txt").write_text("new a")
        assert contents(tmp_path)["a.txt"] == "old a"   # nothing moves before the end
    assert contents(tmp_path) == {"a.txt": "new a", "mine.txt": "not the command's"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "mine.txt"]  # stage gone


def test_a_failure_while_staging_leaves_the_folder_as_it_was(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    with pytest.raises(KeyboardInterrupt), staging(tmp_path, ["a.txt", "b.txt"]) as stage:
        (stage / "a.txt").write_text("new a")
        (stage / "b.txt").write_text("new b")
        raise KeyboardInterrupt
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"] and contents(tmp_path) == {
        "a.txt": "old a"}


def test_a_run_is_written_whole_or_not_at_all(tmp_path, monkeypatch) -> None:
    from backprop.run import compute_run

    old, new = compute_run(RunConfig(K=1, d=2)), compute_run(RunConfig(K=1, d=2, seed=5))
    write_run_files(old, tmp_path)
    before = contents(tmp_path)
    assert sorted(before) == ["my_autograd.dat", "run.json", "torch_autograd.dat"]
    real = record.atomic_write

    def full_at_run_json(path, data):
        if path.name == "run.json":
            raise OutputError(f"cannot write {path}: no space left on device.")
        real(path, data)

    monkeypatch.setattr(record, "atomic_write", full_at_run_json)
    with pytest.raises(OutputError, match="no space left"):
        write_run_files(new, tmp_path)
    assert contents(tmp_path) == before   # not seed 5's .dat files beside seed 2's run.json
    monkeypatch.setattr(record, "atomic_write", real)
    write_run_files(new, tmp_path)
    assert contents(tmp_path) != before


def test_check_folder_creates_nothing_and_names_what_is_in_the_way(tmp_path) -> None:
    check_folder(tmp_path / "new" / "deeper")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_folder(tmp_path / "file" / "sub")


def test_a_dangling_link_is_not_called_a_file(tmp_path) -> None:
    from backprop.files import prepare_folder

    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for name in ("dangling", "loop"):
        with pytest.raises(OutputError, match="it is a symbolic link to nothing"):
            prepare_folder(tmp_path / name)
