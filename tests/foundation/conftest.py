"""Fixtures of the foundation tests.

`vi_catalog`: the Vietnamese screens are asserted in Vietnamese. The lead merges the parts files
(locale/vi/LC_MESSAGES/parts/*.po) into the project catalog and compiles it; until the project catalog
carries this issue's translations, the fixture compiles parts/found.po into a temporary locale
directory placed first in LOCALE_PATHS, so the tests check the msgstrs we ship either way.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

PARTS_FILE = Path(django_settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "parts" / "found.po"
PO_HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: vi\\n"\n\n'
_PAIR = re.compile(r'^msgid "(.*)"\nmsgstr "(.*)"$', re.MULTILINE)


def parts_translations() -> dict[str, str]:
    return dict(_PAIR.findall(PARTS_FILE.read_text(encoding="utf-8")))


def _project_catalog_has_ours() -> bool:
    with translation.override("vi"):
        return all(translation.gettext(msgid) == msgstr for msgid, msgstr in parts_translations().items())


@pytest.fixture(scope="session")
def compiled_parts(tmp_path_factory) -> Path:
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        pytest.fail("msgfmt (Debian package gettext) is needed to compile translations")
    root = tmp_path_factory.mktemp("locale")
    target = root / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    po = target / "django.po"
    po.write_text(PO_HEADER + PARTS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([msgfmt, "--check-format", "-o", str(target / "django.mo"), str(po)], check=True)
    return root


@pytest.fixture
def vi_catalog(settings, compiled_parts) -> None:
    """Vietnamese translations of this issue's strings are active (project catalog or parts file)."""
    if not _project_catalog_has_ours():
        # Assigning through pytest-django's `settings` fires setting_changed, which drops Django's
        # cached catalogs; a forked live server inherits the override.
        settings.LOCALE_PATHS = [compiled_parts, *settings.LOCALE_PATHS]
