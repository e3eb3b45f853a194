"""gradreport build and graph replace the output set all together, or not at all."""

from __future__ import annotations

import json


def files_in(folder):
    return {p.name: "<dir>" if p.is_dir() else p.read_bytes() for p in folder.iterdir()}


def seed_of(folder) -> int:
    return json.loads((folder / "run.json").read_text())["config"]["seed"]


def test_a_folder_in_the_way_of_one_file_leaves_the_whole_older_set(tmp_path, capsys) -> None:
    from cli.gradreport import main

    out = tmp_path / "r"
    assert main(["build", "-K", "1", "-d", "1", "--out", str(out), "-q"]) == 0
    (out / "graph-saved.svg").unlink()
    (out / "graph-saved.svg").mkdir()
    before = files_in(out)
    capsys.readouterr()
    assert main(["build", "-K", "1", "-d", "1", "--seed", "3", "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert files_in(out) == before and seed_of(out) == 2   # no seed-3 file beside seed 2's
    assert "graph-saved.svg: it is a folder; no file was replaced." in err, err


def test_a_folder_named_like_a_file_this_build_does_not_write_is_left_alone(tmp_path) -> None:
    from cli.gradreport import main

    out = tmp_path / "r"
    (out / "report.pdf").mkdir(parents=True)
    assert main(["build", "-K", "1", "-d", "1", "--out", str(out), "-q"]) == 0
    assert (out / "report.pdf").is_dir() and seed_of(out) == 2


def test_graph_refuses_a_folder_in_the_way_before_moving_any_drawing(tmp_path, capsys) -> None:
    from cli.gradreport import main

    out = tmp_path / "g"
    assert main(["graph", "-K", "1", "-d", "1", "--out", str(out), "-q"]) == 0
    (out / "graph.svg").unlink()
    (out / "graph.svg").mkdir()
    before = files_in(out)
    capsys.readouterr()
    assert main(["graph", "-K", "2", "-d", "1", "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert files_in(out) == before   # not four K=2 files beside a K=1 one
    assert "graph.svg: it is a folder" in err


def test_graph_holds_the_lock_for_the_whole_command(tmp_path, capsys) -> None:
    import threading

    from backprop.outset import locked
    from cli.gradreport import main

    out, ran = tmp_path / "g", tmp_path / "ran"
    out.mkdir()
    (tmp_path / "s.py").write_text(f"open({str(ran)!r}, 'w').close()\n")
    holding, leave = threading.Event(), threading.Event()

    def other_command() -> None:
        with locked(out):
            holding.set()
            leave.wait(10)

    thread = threading.Thread(target=other_command)
    thread.start()
    try:
        assert holding.wait(10)
        assert main(["graph", str(tmp_path / "s.py"), "--out", str(out), "-q"]) == 2
    finally:
        leave.set()
        thread.join(10)
    assert f"another build is writing to {out}/" in capsys.readouterr().err
    assert not ran.exists()   # refused before the script ran, not after it
