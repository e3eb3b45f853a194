"""torchviz is imported without loading setuptools (backprop.graph.draw._import_torchviz)."""

from __future__ import annotations

import subprocess
import sys


def test_the_graph_loads_torchviz_without_setuptools_and_without_a_warning() -> None:
    probe = ("import sys, torch, backprop.graph; "
             "print('setuptools' in sys.modules, sys.modules['torchviz'].make_dot.__name__)")
    done = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", probe],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "make_dot"]
    assert done.stderr == ""
