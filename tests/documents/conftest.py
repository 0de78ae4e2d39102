"""Documents fixtures: keys and files in a temporary folder, "today" inside the 2026 annual window, and
dossiers taken to "council approved" through the real actions."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from nominations.models import Unit
from tests import factories as f
from workflows import actions

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _private_dirs(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.KEYS_DIR = tmp_path / "keys"


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


def pdf_text(data: bytes) -> str:
    """All text of a PDF, whitespace collapsed (line breaks in a table cell are layout, not content)."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def approved(users, names: list[tuple[str, str]], *, award_code: str = "giay-khen-xa"):
    """Dossiers for (unit code, nominee name), taken to "council approved"; returns them fresh."""
    made = []
    for unit_code, name in names:
        unit = Unit.objects.get(code=unit_code)
        nominee = unit.nominees.get(name=name)
        proposer = users["donvi"] if unit_code == "thon-dong-hy" else users["donvi2"]
        d = f.draft(actor=proposer, unit=unit, nominee_obj=nominee, award_code=award_code)
        made.append(f.to_agenda(d, proposer=proposer, reviewer=users["chuyenvien"]))
    result = actions.council_result_record(
        actor=users["thuky"],
        authority_id=made[0].authority_id,
        members_present=5,
        tallies=[{"dossier_id": d.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": 5} for d in made],
    )
    assert all(r["outcome"] == "approved" for r in result), result
    return [f.fresh(d) for d in made]


def totp_now(device) -> str:
    """The current code of a django-otp TOTP device, computed from its key as an app would."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def chair_device(demo):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=demo["chutich"], name="chair phone", confirmed=True)
