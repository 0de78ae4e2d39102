"""API errors carry a Vietnamese message for a Vietnamese client; the engine's strings are all translated."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from workflows.models import ApiToken

ROOT = Path(settings.BASE_DIR)
MO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.mo"
PART = ROOT / "locale" / "vi" / "LC_MESSAGES" / "parts" / "engine.po"
ENGINE_FILES = [
    "workflows/actions/dossier.py",
    "workflows/errors.py",
    "workflows/api.py",
    "nominations/states.py",
]
VIETNAMESE = re.compile("[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I)


def _msgids(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"_", "gettext", "gettext_lazy"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(node.args[0].value)
    return found


def _part() -> dict[str, str]:
    text = PART.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid (".*")\nmsgstr (".*")$', text, re.M)
    return {ast.literal_eval(a): ast.literal_eval(b) for a, b in pairs}


def test_every_engine_msgid_has_a_vietnamese_msgstr():
    table = _part()
    missing = [m for f in ENGINE_FILES for m in _msgids(ROOT / f) if not table.get(m)]
    assert not missing, missing
    for msgid, msgstr in table.items():
        # Placeholders survive translation, or the message would crash at run time.
        assert sorted(re.findall(r"%\(\w+\)s|%%", msgid)) == sorted(re.findall(r"%\(\w+\)s|%%", msgstr)), (
            msgid
        )


@pytest.mark.django_db
@pytest.mark.skipif(not MO.exists(), reason="locale/vi/LC_MESSAGES/django.mo is not compiled yet")
def test_api_errors_are_in_vietnamese(client, life):
    _tok, raw = ApiToken.issue(user=life.reviewer, name="vi")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "vi"}
    d = life.reach("submitted")

    def post(action: str, **body):
        return client.post(
            f"/api/v1/dossiers/{d.pk}/actions/{action}",
            json.dumps(body),
            content_type="application/json",
            **headers,
        )

    cases = {
        "stale_version": post("receive", expected_version=d.version - 1),
        "invalid_transition": post("appraise", expected_version=d.version),
        "validation_error": post("return", expected_version=d.version, reason=""),
        "not_allowed": post("sign", expected_version=d.version),
    }
    for code, resp in cases.items():
        body = resp.json()
        assert body["code"] == code, body
        assert VIETNAMESE.search(body["message"]), f"{code}: {body['message']}"
