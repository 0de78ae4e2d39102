"""Fixtures of the foundation tests.

`vi_catalog`: the Vietnamese screens are asserted in Vietnamese. `make messages` merges the parts
files (locale/vi/LC_MESSAGES/parts/*.po, a later part wins) into the project catalog and compiles
django.mo. While that compiled catalog is missing or older than the parts, the fixture builds the same
merge from the parts into a temporary locale directory placed first in LOCALE_PATHS, so the tests
check the translations we ship either way.
"""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

BASE_DIR = Path(django_settings.BASE_DIR)
PROJECT_MO = BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.mo"


def _merged_parts() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("merge_po", BASE_DIR / "scripts" / "merge_po.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.read_parts()


def write_mo(path: Path, catalog: dict[str, str]) -> None:
    """A GNU .mo file (the format msgfmt writes), so the tests need no gettext tools installed."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\nLanguage: vi\n", **catalog}
    keys = sorted(entries)
    ids = strs = b""
    spans = []
    for key in keys:
        k, v = key.encode(), entries[key].encode()
        spans.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    table = [n for o1, l1, _o2, _l2 in spans for n in (l1, o1 + key_start)]
    table += [n for _o1, _l1, o2, l2 in spans for n in (l2, o2 + value_start)]
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    path.write_bytes(header + struct.pack(f"<{len(table)}I", *table) + ids + strs)


@pytest.fixture(scope="session")
def merged_parts() -> dict[str, str]:
    return _merged_parts()


@pytest.fixture(scope="session")
def compiled_parts(tmp_path_factory, merged_parts) -> Path:
    root = tmp_path_factory.mktemp("locale")
    target = root / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    write_mo(target / "django.mo", merged_parts)
    return root


def _project_catalog_is_current(parts: dict[str, str]) -> bool:
    if not PROJECT_MO.exists():
        return False
    with translation.override("vi"):
        return all(translation.gettext(msgid) == msgstr for msgid, msgstr in parts.items())


@pytest.fixture
def vi_catalog(settings, compiled_parts, merged_parts) -> None:
    """The project's Vietnamese translations are active: the compiled catalog when it carries every
    translation of the parts, else the merged parts layered over it."""
    if not _project_catalog_is_current(merged_parts):
        # Assigning through pytest-django's `settings` fires setting_changed, which drops Django's
        # cached catalogs; a forked live server inherits the override.
        settings.LOCALE_PATHS = [compiled_parts, *settings.LOCALE_PATHS]


def vi(msgid: str) -> str:
    """The Vietnamese text of `msgid`; fails when it is not translated."""
    with translation.override("vi"):
        text = translation.gettext(msgid)
    assert text != msgid, f"not translated to Vietnamese: {msgid!r}"
    return text
