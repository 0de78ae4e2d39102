"""Fixtures for the lifecycle engine tests: a pinned "today", English messages, fast password hashing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

TODAY = dt.date(2026, 11, 25)  # inside the annual 2026 window (15/10–20/12/2026)


@pytest.fixture(autouse=True)
def _engine_env(monkeypatch, settings):
    # Occasion windows are dates: pin "today" the same way the lead's examples do.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    # The demo seeds 14 users; PBKDF2 costs seconds each on a loaded machine and is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Reasons are asserted in English; the Vietnamese catalog has its own test.
    with translation.override("en"):
        yield


@pytest.fixture
def life(demo):
    from tests.lifecycle.helpers import Life

    return Life(demo)
