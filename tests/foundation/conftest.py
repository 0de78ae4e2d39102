"""Fixtures of the foundation tests.

`vi_catalog`: the Vietnamese screens are asserted in Vietnamese. `make messages` merges the parts
files (locale/vi/LC_MESSAGES/parts/*.po, a later part wins) into the project catalog and compiles
django.mo. Until that compiled catalog exists, the fixture builds the same merge from the parts into a
temporary locale directory placed first in LOCALE_PATHS, so the tests check the translations we ship
either way.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

BASE_DIR = Path(django_settings.BASE_DIR)
PROJECT_MO = BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.mo"
PO_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: vi\\n"\n\n'


def _merged_parts() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("merge_po", BASE_DIR / "scripts" / "merge_po.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.read_parts()


@pytest.fixture(scope="session")
def compiled_parts(tmp_path_factory) -> Path | None:
    if PROJECT_MO.exists():
        return None
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        pytest.fail("msgfmt (Debian package gettext) is needed to compile translations")
    root = tmp_path_factory.mktemp("locale")
    target = root / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    entries = "".join(f"msgid {quote(k)}\nmsgstr {quote(v)}\n\n" for k, v in _merged_parts().items())
    po = target / "django.po"
    po.write_text(PO_HEADER + entries, encoding="utf-8")
    subprocess.run([msgfmt, "--check-format", "-o", str(target / "django.mo"), str(po)], check=True)
    return root


@pytest.fixture
def vi_catalog(settings, compiled_parts) -> None:
    """The project's Vietnamese translations are active (compiled catalog, or the merged parts)."""
    if compiled_parts is not None:
        # Assigning through pytest-django's `settings` fires setting_changed, which drops Django's
        # cached catalogs; a forked live server inherits the override.
        settings.LOCALE_PATHS = [compiled_parts, *settings.LOCALE_PATHS]


def vi(msgid: str) -> str:
    """The Vietnamese text of `msgid`; fails when it is not translated."""
    with translation.override("vi"):
        text = translation.gettext(msgid)
    assert text != msgid, f"not translated to Vietnamese: {msgid!r}"
    return text
