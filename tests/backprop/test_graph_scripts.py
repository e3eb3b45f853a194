"""Graphs of any scalar: a user's script with other node types, custom Functions, freed graphs."""

from __future__ import annotations

import os
import posix
import sys
import textwrap
import threading
from collections import Counter

import pytest
import torch
from graph_walk import hooked_backward, objects_by_number

from backprop.graph import GraphError, graph_of, graph_of_script
from backprop.graph.draw import call_deep
from backprop.graph.explain import TEMPLATES
from backprop.textfile import TextFileError

SCRIPT = """
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 4)
    x = torch.rand(2, 3)
    W = torch.randn(4, 1, requires_grad=True)
    h = torch.sigmoid(lin(x))
    t = torch.tanh(h @ W).view(-1)
    e = t.expand(3, 2)
    target = torch.ones(3, 2)
    loss = F.mse_loss(e, target) + h.mean() * 2 / 3 - t.sum().pow(2) + torch.exp(-W).sum()
"""

CUSTOM = """
    import torch

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x * x * g

    w = torch.linspace(-1, 1, 5, requires_grad=True)
    loss = Cube.apply(w * 2).sum()
"""


def script(tmp_path, text: str, name: str = "user.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_script_with_other_node_types_is_drawn_and_every_node_explained(tmp_path):
    graph = graph_of_script(script(tmp_path, SCRIPT))
    labels = Counter(n.label for n in graph.nodes if n.kind == "backward")
    for expected in ("SigmoidBackward0", "TanhBackward0", "MseLossBackward0", "MeanBackward0",
                     "AddmmBackward0", "TBackward0", "ViewBackward0", "ExpandBackward0",
                     "MulBackward0", "DivBackward0", "PowBackward0", "SumBackward0",
                     "MmBackward0", "SubBackward0", "AddBackward0", "ExpBackward0",
                     "NegBackward0"):
        assert labels[expected] >= 1, expected
    for node in graph.nodes:
        assert "No explanation" not in node.explanation, node.label
    assert {n.label for n in graph.nodes if n.kind == "leaf"} == {"lin.weight", "lin.bias", "W"}
    assert graph.nodes[0].label == "loss"
    sigmoid = next(n for n in graph.nodes if n.label == "SigmoidBackward0")
    assert {s.name: s.meaning for s in sigmoid.saved}["result"] == "h"  # the script's name
    mse = next(n for n in graph.nodes if n.label == "MseLossBackward0")
    assert "target = target" in mse.explanation and "input = e" in mse.explanation
    mean = next(n for n in graph.nodes if n.label == "MeanBackward0")
    assert "N = 8" in mean.explanation  # h is (2, 4)
    assert graph.svg and graph.svg_saved and "#1 loss ()" in graph.svg


def test_explained_formulas_hold_numerically(tmp_path):
    """Hook the nodes of the script's graph and check the formulas the records state."""
    path = script(tmp_path, SCRIPT)
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    graph = graph_of(namespace["loss"], {"W": namespace["W"]}, name="loss", render=False)
    seen = hooked_backward(graph, namespace["loss"])
    objects = objects_by_number(graph, namespace["loss"])
    checks = {
        "SigmoidBackward0": lambda f, g: g * f._saved_result * (1 - f._saved_result),
        "TanhBackward0": lambda f, g: g * (1 - f._saved_result ** 2),
        "MeanBackward0": lambda f, g: (g / f._saved_self_sym_numel).expand(f._saved_self_sym_sizes),
        "MseLossBackward0": lambda f, g: 2 * (f._saved_self - f._saved_target) * g
                                         / f._saved_self.numel(),
        "ExpBackward0": lambda f, g: g * f._saved_result,
    }
    checked = 0
    for node in graph.nodes:
        if node.label in checks:
            fn = objects[node.number]
            grad_in, g = seen[node.number]
            torch.testing.assert_close(grad_in[0], checks[node.label](fn, g))
            checked += 1
    assert checked == len(checks)


def test_an_unknown_node_type_gets_an_honest_record(tmp_path):
    text = "import torch\nw = torch.linspace(-0.5, 0.5, 5, requires_grad=True)\n"
    graph = graph_of_script(script(tmp_path, text + "loss = (w * 2).erfinv().sum()\n"))
    node = next(n for n in graph.nodes if n.label == "ErfinvBackward0")
    assert "ErfinvBackward0" not in TEMPLATES
    assert node.explanation.startswith("No explanation is written for ErfinvBackward0 yet")
    assert (node.verified, node.why) == ("not checkable", "no formula is written for "
                                         "ErfinvBackward0")
    mul = next(n for n in graph.nodes if n.label == "MulBackward0")
    assert f"#{mul.number} MulBackward0" in node.explanation  # where its gradient goes


def test_a_custom_function_is_explained_as_your_backward_and_checked(tmp_path):
    graph = graph_of_script(script(tmp_path, CUSTOM))
    cube = next(n for n in graph.nodes if n.label == "CubeBackward")
    assert cube.explanation.startswith("Your function's backward: CubeBackward was recorded "
                                       "by Cube.apply(...)")
    assert cube.verified == "exact"
    mul = next(n for n in graph.nodes if n.label == "MulBackward0")
    assert f"#{mul.number} MulBackward0" in cube.explanation  # where its gradient goes
    saved = [n for n in graph.nodes if n.kind == "saved"]
    # A custom Function's saved tensors are drawn even without show_saved.
    assert [n.label for n in saved if cube.number in n.saved_by] == ["saved_tensors[0]"]
    assert f'label="#{saved[0].number} saved_tensors[0]' in graph.dot


def test_a_graph_after_backward_still_gets_its_records(tmp_path):
    graph = graph_of_script(script(tmp_path, SCRIPT + "    loss.backward()\n"))
    assert graph.svg is not None and graph.svg_saved is None and graph.dot_saved is None
    assert "freed" in graph.note
    pow_node = next(n for n in graph.nodes if n.label == "PowBackward0")
    assert {s.name: s.meaning for s in pow_node.saved}["self"].startswith("freed")
    assert not any(n.kind == "saved" for n in graph.nodes)


@pytest.mark.parametrize(("text", "var", "message"), [
    ("import torch\nloss = 1 / 0\n", "loss", "failed at line 2: ZeroDivisionError"),
    ("import torch\nout = torch.ones(2, requires_grad=True).sum()\n", "loss",
     "defines no variable 'loss' (tensors with a graph: out)"),
    ("import torch\nloss = (torch.ones(3, requires_grad=True) * 2)\n", "loss",
     "loss has shape (3,), but a graph is drawn from a scalar"),
    ("loss = 3.0\n", "loss", "loss is a float, not a tensor"),
    ("import torch\nloss = torch.ones(())\n", "loss", "loss has no autograd graph"),
    ("import torch\nloss = torch.ones((), requires_grad=True)\n", "loss", "it is a leaf"),
    ("def broken(:\n", "loss", "is not valid Python"),
    ("import sys\nsys.exit(3)\n", "loss", "exited with status 3"),
    ("import sys\nsys.exit('bad thing happened')\n", "loss", "user.py stopped: bad thing happened"),
    ("import os\nos._exit(4)\n", "loss", "user.py exited with status 4"),
    ("import sys\nsys.exit(True)\n", "loss", "user.py exited with status 1"),

    ("class Stop(BaseException):\n    pass\nraise Stop('custom stop')\n", "loss",
     "failed at line 3: Stop: custom stop"),
    ("x = 1\0\n", "loss", "user.py is not"),
])
def test_script_problems_are_one_sentence(tmp_path, text, var, message):
    with pytest.raises(GraphError) as err:
        graph_of_script(script(tmp_path, text), var)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert "None" not in str(err.value)  # no "at line None" for a file with null bytes
    assert os._exit is posix._exit  # the script's os._exit is ours no more


# A SystemExit ends only its thread, as Python does; pytest's thread hook reports it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_os_exit_in_a_thread_of_the_script_ends_the_script(tmp_path):
    text = """
        import os, threading, torch
        t = threading.Thread(target=os._exit, args=(6,))
        t.start()
        t.join()
        loss = torch.ones(2, requires_grad=True).sum()
    """
    with pytest.raises(GraphError, match=r"user\.py exited with status 6"):
        graph_of_script(script(tmp_path, text))


def test_a_keyboard_interrupt_in_the_script_reaches_the_caller(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        graph_of_script(script(tmp_path, "raise KeyboardInterrupt\n"))


def test_os_exit_0_ends_the_script_like_sys_exit_0(tmp_path):
    text = """
        import os, torch
        w = torch.ones(2, requires_grad=True)
        loss = (w * 3).sum()
        os._exit(0)
        loss = None
    """
    graph = graph_of_script(script(tmp_path, text), render=False)
    assert graph.nodes[0].label == "loss" and os._exit is posix._exit


def test_a_child_the_script_forks_still_exits_for_real(tmp_path):
    text = """
        import os, posix, torch
        pid = os.fork()
        if pid == 0:
            try:
                os._exit(7)
            finally:  # reached only if os._exit raised in the child
                posix._exit(9)
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        assert status == 7, status
        loss = torch.ones(2, requires_grad=True).sum()
    """
    graph = graph_of_script(script(tmp_path, text), render=False)  # GraphError unless 7
    assert graph.nodes[0].label == "loss"


def test_the_working_folder_is_restored_after_the_script(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    text = ("import os, torch\nos.chdir('elsewhere')\n"
            "loss = torch.ones(2, requires_grad=True).sum()\n")
    graph_of_script(script(tmp_path, text), render=False)
    assert os.getcwd() == str(tmp_path)
    with pytest.raises(GraphError):
        graph_of_script(script(tmp_path, "import os\nos.chdir('elsewhere')\n1 / 0\n"))
    assert os.getcwd() == str(tmp_path)


def test_a_long_chain_is_numbered_and_drawn(tmp_path):
    """3000 operations: deeper than Python's recursion limit, which torchviz recurses into."""
    text = """
        import torch
        w = torch.ones(3, requires_grad=True)
        h = w * 1
        for _ in range(3000):
            h = h * 1.0001
        loss = h.sum()
    """
    limit = sys.getrecursionlimit()
    graph = graph_of_script(script(tmp_path, text), render=False)
    assert sys.getrecursionlimit() == limit
    main = [n for n in graph.nodes if n.kind != "saved"]
    assert len(main) == 3001 + 4  # loss, Sum, 3001 Mul, AccumulateGrad, w
    assert graph.dot.count("MulBackward0") == 3001 and graph.dot_saved is not None
    assert [n.number for n in graph.nodes] == list(range(1, len(graph.nodes) + 1))


def test_call_deep_passes_results_and_errors_and_restores_the_limits():
    limit, stack = sys.getrecursionlimit(), threading.stack_size()

    def down(n: int) -> int:
        return 0 if n == 0 else 1 + down(n - 1)

    assert call_deep(lambda: down(5000), 5000) == 5000
    with pytest.raises(ZeroDivisionError):
        call_deep(lambda: 1 / 0, 5000)
    assert (sys.getrecursionlimit(), threading.stack_size()) == (limit, stack)


def test_a_missing_script(tmp_path):
    with pytest.raises(TextFileError, match="no such file"):
        graph_of_script(tmp_path / "nope.py")
