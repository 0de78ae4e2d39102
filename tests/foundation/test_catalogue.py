"""The compiled Vietnamese catalogue holds every translation in django.po: msgfmt silently leaves out an
entry flagged fuzzy, and the screen then shows English (it happened to two as-of page headings)."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"
ENTRY = re.compile(r'^(?:msgctxt (".*")\n)?msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.M)


def _unquote(block: str) -> str:
    return "".join(ast.literal_eval(line) for line in block.splitlines() if line.strip())


def test_no_translation_is_fuzzy_and_each_one_is_compiled():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert not re.search(r"^#,.*\bfuzzy\b", po, re.M)
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    entries = [(_unquote(c), _unquote(a), _unquote(b)) for c, a, b in ENTRY.findall(po)]
    translated = [(ctx, msgid, msgstr) for ctx, msgid, msgstr in entries if msgid and msgstr]
    assert len(translated) > 500

    def compiled_text(ctx: str, msgid: str) -> str:
        return compiled.pgettext(ctx, msgid) if ctx else compiled.gettext(msgid)

    missing = [msgid for ctx, msgid, msgstr in translated if compiled_text(ctx, msgid) != msgstr]
    assert not missing, missing[:10]
