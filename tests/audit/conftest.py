from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def today_in_window(monkeypatch):
    # The annual 2026 window is 15/10–20/12/2026; pin "today" inside it for the actions' checks.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 11, 25))


@pytest.fixture
def keys_dir(tmp_path, settings):
    settings.KEYS_DIR = tmp_path / "keys"
    return settings.KEYS_DIR
