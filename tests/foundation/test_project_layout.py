"""Layout, stack and reproducible installs (issue 2, points 1–3)."""

from __future__ import annotations

import os
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _name(line: str) -> str:
    """Normalised distribution name of a requirement line (extras and specifiers dropped)."""
    return re.split(r"[\[<>=!~ ;]", line.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_layout():
    for folder in ("config", "nominations", "workflows", "notifications", "templates", "tests"):
        assert (ROOT / folder).is_dir(), folder
    for file in (
        "manage.py",
        "pyproject.toml",
        "README.md",
        "Makefile",
        "requirements.in",
        "requirements.lock",
    ):
        assert (ROOT / file).is_file(), file
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_readme_starts_with_the_two_commands():
    head = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:8])
    assert "make run" in head and "make test" in head


def test_makefile_targets():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.MULTILINE))
    assert {"install", "run", "test", "bench"} <= targets
    # run serves over ASGI after seeding the plan and demo data and printing the logins
    assert "seed_plan" in makefile and "seed_demo" in makefile and "demo_logins" in makefile
    assert "ruff check" in makefile and "mypy" in makefile and "makemigrations --check" in makefile


def test_ci_script_uses_postgres_redis_chromium_and_fails_loudly():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in ci
    for needle in ("pg_isready", "redis-cli", "chromium", "DATABASE_URL=", "REDIS_URL=", "make test"):
        assert needle in ci, needle


def test_python_and_stack_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.12"
    assert metadata.version("django").startswith("6.1.")
    viewflow = tuple(int(x) for x in metadata.version("django-viewflow").split(".")[:2])
    assert viewflow >= (2, 4)
    for dist in ("django-fsm-2", "channels", "daphne", "channels-redis", "django-ninja", "pytest-django"):
        assert metadata.version(dist)


def test_every_requirement_is_pinned_in_the_lock():
    wanted = {
        _name(line)
        for line in (ROOT / "requirements.in").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"not pinned: {line}"
            name, version = line.split("==", 1)
            pins[_name(name)] = version.strip()
    assert wanted <= set(pins), wanted - set(pins)


@pytest.mark.parametrize("dist", ["django", "django-viewflow", "django-fsm-2", "channels", "django-ninja"])
def test_installed_versions_match_the_lock(dist):
    pins = dict(
        (_name(name), version.strip())
        for name, version in (
            line.split("==", 1)
            for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
            if "==" in line
        )
    )
    assert metadata.version(dist) == pins[dist]
