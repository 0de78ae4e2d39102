"""Benchmarks: files named bench_*.py (not collected by the normal run; `make bench` runs them)."""

from __future__ import annotations

import pytest

from tests.lifecycle.conftest import TODAY


def pytest_collect_file(file_path, parent):
    # `pytest tests/bench` should find bench_*.py; a file named on the command line is collected anyway.
    if (
        file_path.suffix == ".py"
        and file_path.name.startswith("bench_")
        and not parent.session.isinitpath(file_path)
    ):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


@pytest.fixture(autouse=True)
def _bench_env(monkeypatch, settings):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def life(demo):
    from tests.lifecycle.helpers import Life

    return Life(demo)
