"""Shared fixtures: the seeded plan, demo users per role, PostgreSQL/Redis markers, a live ASGI server and
a Playwright browser driving Debian's chromium (never downloaded)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

IN_CI = os.environ.get("CI", "").lower() in {"1", "true"}


def pytest_configure(config):
    # The SQLite test database is a file under var/, which a fresh clone does not have yet.
    test_db = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and test_db:
        Path(test_db).parent.mkdir(parents=True, exist_ok=True)
    # PBKDF2 costs seconds per demo user on a loaded 2-core machine; tests do not test hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    is_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if "postgres" in item.keywords and not is_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL"))


@pytest.fixture
def plan(db):
    from nominations.plan import seed_plan

    seed_plan()
    from nominations.models import Authority

    return Authority.objects.get(code="vinh-thong")


@pytest.fixture
def demo(plan):
    """The plan plus demo units and one user per role; returns {username: User}."""
    from django.contrib.auth import get_user_model

    from nominations.demo import seed_demo

    seed_demo()
    return {u.username: u for u in get_user_model().objects.all()}


# --- Live ASGI server + browser -------------------------------------------------------------------


def _point_child_at_test_db(db_name: str) -> None:
    settings.DATABASES["default"]["NAME"] = db_name
    # A forked child inherits asgiref's one-thread executor without its thread (threads do not survive
    # fork) once the parent ran any database_sync_to_async: websocket consumers would hang forever.
    # Also drop channel layers whose Redis connections belong to the parent.
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import SyncToAsync
    from channels.layers import channel_layers

    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
    channel_layers.backends = {}


@pytest.fixture
def asgi_server(transactional_db) -> Iterator[str]:
    """Daphne in a child process serving the project's ASGI app (HTTP + websockets) on the test DB."""
    from channels.testing.live import make_application
    from daphne.testing import DaphneProcess
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    db_name = connection.settings_dict["NAME"]
    connections.close_all()
    proc = DaphneProcess(
        "127.0.0.1",
        partial(make_application, static_wrapper=ASGIStaticFilesHandler),
        setup=partial(_point_child_at_test_db, db_name),
    )
    proc.start()
    if not proc.ready.wait(timeout=30):
        proc.terminate()
        raise RuntimeError("the ASGI test server did not start")
    try:
        yield f"http://127.0.0.1:{proc.port.value}"
    finally:
        proc.terminate()
        proc.join(timeout=10)


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        if IN_CI:
            pytest.fail("Debian's chromium is not installed; .ci/run should have installed it")
        pytest.skip("Debian's chromium is not on PATH (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    # Playwright's sync API runs an event loop in this thread; Django's ORM in the same test is safe.
    # Module scope, not session: while that loop is open, pytest-asyncio cannot run async tests
    # ("Runner.run() cannot be called from a running event loop") in any later module.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def new_page(browser):
    """Factory: a fresh browser context (own cookies) in Vietnamese; closed after the test."""
    contexts = []

    def make(locale: str = "vi-VN"):
        ctx = browser.new_context(locale=locale, extra_http_headers={"Accept-Language": "vi"})
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def login(page, base_url: str, username: str, password: str = "thidua2026") -> None:  # noqa: S107
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
