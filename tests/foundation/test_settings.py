"""config/settings.py is driven by the environment; production refuses to start half-configured.

Each case imports the settings in a fresh interpreter with a controlled environment (settings are read
once per process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# Enough of the environment to run Python; none of the project's variables leak in from the test run.
KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
layer = settings.CHANNEL_LAYERS["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": str(db["NAME"]),
    "transaction_mode": db.get("OPTIONS", {}).get("transaction_mode"),
    "layer": layer["BACKEND"],
    "hosts": layer.get("CONFIG", {}).get("hosts"),
    "email": settings.MAILERS["default"]["BACKEND"],
    "email_options": settings.MAILERS["default"].get("OPTIONS", {}),
    "debug": settings.DEBUG,
    "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE,
}))
"""
PRODUCTION_KEY = "k3Y-" + "q8Zr2vLx9Tm4Wp7Ns1Bd6Hf0Jc5Gy3Ae" + "-u2Ri8Ko4Ev6Xs0Mn7Pb1Qw9Zt5"


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k in KEEP}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def probe(**env: str) -> dict:
    result = run_python(["-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_environment_means_sqlite_memory_layer_console_mail():
    s = probe()
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["transaction_mode"] == "IMMEDIATE"
    assert s["layer"] == "channels.layers.InMemoryChannelLayer"
    assert s["email"] == "django.core.mail.backends.console.EmailBackend"
    assert s["debug"] is True
    assert (s["language"], s["time_zone"]) == ("vi", "Asia/Ho_Chi_Minh")


def test_database_url_and_redis_url_switch_backends():
    s = probe(
        DATABASE_URL="postgres://thidua:pw@db.example:5432/thidua", REDIS_URL="redis://cache.example:6379/3"
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "thidua"
    assert s["layer"] == "channels_redis.core.RedisChannelLayer"
    # No socket timeout: redis-py's default would drop idle websocket consumers.
    assert s["hosts"] == [{"address": "redis://cache.example:6379/3", "socket_timeout": None}]


def test_email_host_switches_the_digest_mailer_to_smtp():
    s = probe(EMAIL_HOST="smtp.example.vn", EMAIL_PORT="465", EMAIL_HOST_USER="thidua", EMAIL_USE_TLS="0")
    assert s["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["email_options"] | {"password": ""} == {
        "host": "smtp.example.vn", "port": 465, "username": "thidua", "password": "", "use_tls": False, "timeout": 30,
    }  # fmt: skip
    result = run_python(
        ["-c", "import django; django.setup(); from django.core import mail; print(type(mail.mailers.default).__name__)"],
        EMAIL_HOST="smtp.example.vn",
    )  # fmt: skip
    assert result.stdout.strip() == "EmailBackend" and "Warning" not in result.stderr


@pytest.mark.parametrize(
    ("env", "missing", "present"),
    [
        ({}, ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST"], []),
        (
            {"SECRET_KEY": PRODUCTION_KEY, "DATABASE_URL": "postgres://u@db/thidua"},
            ["REDIS_URL"],
            ["SECRET_KEY", "DATABASE_URL"],
        ),
        (
            {
                "SECRET_KEY": "short",
                "DATABASE_URL": "postgres://u@db/thidua",
                "REDIS_URL": "redis://r:6379/0",
            },
            ["SECRET_KEY"],
            ["DATABASE_URL", "REDIS_URL"],
        ),
        (
            # SQLite is not a real database for production.
            {
                "SECRET_KEY": PRODUCTION_KEY,
                "DATABASE_URL": "sqlite:///db.sqlite3",
                "REDIS_URL": "redis://r:6379/0",
            },
            ["DATABASE_URL"],
            ["SECRET_KEY", "REDIS_URL"],
        ),
    ],
)
def test_production_refuses_to_start_without_its_services(env, missing, present):
    result = run_python(["-c", "import django; django.setup()"], THIDUA_PRODUCTION="1", **env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured")
    for name in missing:
        assert name in last_line
    for name in present:
        assert name not in last_line


def test_production_passes_check_deploy():
    """Fully configured production passes `check --deploy` at WARNING level.

    The check needs no reachable database or Redis (system checks only touch the database with
    --database), so unreachable addresses prove the command does not depend on them.
    """
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        THIDUA_PRODUCTION="1",
        SECRET_KEY=PRODUCTION_KEY,
        DATABASE_URL="postgres://thidua@127.0.0.1:1/thidua",
        REDIS_URL="redis://127.0.0.1:1/0",
        EMAIL_HOST="smtp.example.org",
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_settings_fail_check_deploy():
    """The deploy check is not trivially green: development settings fail it."""
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on
