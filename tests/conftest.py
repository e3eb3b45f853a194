"""Shared fixtures: the default run, computed once per session."""

from __future__ import annotations

import pytest

from backprop.config import RunConfig


@pytest.fixture(scope="session")
def default_run():
    """The run of the default config."""
    from backprop.run import compute_run

    return compute_run(RunConfig())
