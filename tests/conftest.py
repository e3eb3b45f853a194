"""Shared fixtures: the default run, computed once per session."""

from __future__ import annotations

import pytest
from hypothesis import settings

from backprop.config import RunConfig

# The same examples on every run: a test that passes in CI passes again on the next run
# (a found counterexample is kept as a test of its own, see test_fd.py).
settings.register_profile("backprop-lab", derandomize=True)
settings.load_profile("backprop-lab")


@pytest.fixture(scope="session")
def default_run():
    """The run of the default config."""
    from backprop.run import compute_run

    return compute_run(RunConfig())
