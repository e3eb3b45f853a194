"""A user's script may close stdout, fork or leave a thread running: our output and exit
status still hold (real processes: the process is the point)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

GRAPHABLE = ("import torch\n"
             "x = torch.ones(2, requires_grad=True)\n"
             "loss = (x * 2).sum()\n")


def graph(tmp_path, body: str, **popen) -> subprocess.Popen:
    script = tmp_path / "script.py"
    script.write_text(GRAPHABLE + body)
    return subprocess.Popen([sys.executable, "-m", "cli.gradreport", "graph", str(script),
                             "--out", str(tmp_path / "out"), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def test_a_script_that_closes_stdout_still_gets_our_table(tmp_path) -> None:
    done = graph(tmp_path, "import os, sys\nsys.stdout.close()\nsys.stderr = None\n")
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert "Traceback" not in err and "MulBackward0" in out and out.count("wrote ") == 1


def test_a_forked_child_ends_with_the_script_and_prints_nothing_of_ours(tmp_path) -> None:
    done = graph(tmp_path, "import os\n"
                           "pid = os.fork()\n"
                           "if pid == 0:\n"
                           "    print('forked-child-says-hi', flush=True)\n"
                           "else:\n"
                           "    os.waitpid(pid, 0)\n")
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert out.count("forked-child-says-hi") == 1 and out.count("wrote ") == 1, out
    assert out.count("MulBackward0") == 1 and err == ""


def test_ctrl_c_while_a_scripts_thread_runs_on_is_interrupted_not_0(tmp_path) -> None:
    running = graph(tmp_path, "import threading, time\n"
                              "threading.Thread(target=time.sleep, args=(60,)).start()\n")
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "out" / "graph.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)   # the table is printed; python waits for the thread, as it would
        assert running.poll() is None
        os.kill(running.pid, signal.SIGINT)
        out, err = running.communicate(timeout=20)
    finally:
        running.kill()
    assert running.returncode == 130
    assert err == "gradreport: interrupted.\n" and "wrote " in out


def test_ctrl_c_while_the_script_runs_beside_its_thread_ends_at_once(tmp_path) -> None:
    running = graph(tmp_path, "import threading, time\n"
                              "threading.Thread(target=time.sleep, args=(60,)).start()\n"
                              "print('script-is-sleeping', flush=True)\n"
                              "time.sleep(60)\n")
    try:
        assert running.stdout.readline() == "script-is-sleeping\n"
        os.kill(running.pid, signal.SIGINT)
        _, err = running.communicate(timeout=20)   # not the thread's 60 s
    finally:
        running.kill()
    assert running.returncode == 130 and err == "gradreport: interrupted.\n"
    assert not (tmp_path / "out").exists()   # the folder it made is gone again
