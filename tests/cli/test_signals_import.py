"""A signal that comes while a module imports waits for the import to finish.

Cut half way, `import torch` sometimes swallowed the KeyboardInterrupt (the build went on
and ended with status 0) or left a half-initialised extension that failed when imported
again (a traceback); 1 in 5 Ctrl-Cs during the import did one or the other.
"""

from __future__ import annotations

import importlib
import signal
import sys
import time

import pytest

from cli.boundary import guarded

BODY = """
import signal, time
signal.raise_signal(signal.{name})
time.sleep(0.05)   # the handler has run by now: the import must still go on
COMPLETE = True
"""


@pytest.mark.parametrize("name, status", [("SIGINT", 130), ("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_signal_during_an_import_lets_it_finish_then_stops(tmp_path, monkeypatch, capsys,
                                                              name, status) -> None:
    module = f"slow_import_{name.lower()}"
    (tmp_path / f"{module}.py").write_text(BODY.format(name=name))
    monkeypatch.syspath_prepend(str(tmp_path))
    after: list[str] = []

    def command() -> int:
        importlib.import_module(module)
        after.append("imported")
        time.sleep(5)   # the signal, sent again, ends this wait
        after.append("not stopped")
        return 0

    assert guarded("gradreport", command) == status
    assert sys.modules[module].COMPLETE and after == ["imported"]
    words = "interrupted" if name == "SIGINT" else f"stopped by {name}"
    assert capsys.readouterr().err == f"gradreport: {words}.\n"
    sys.modules.pop(module)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
