"""The JSON API runs the same decision actions, TOTP included."""

from __future__ import annotations

import pytest

from nominations.documents.storage import read_document
from nominations.models import Decision

from .conftest import approved, totp_now
from .test_decisions import AN

pytestmark = pytest.mark.django_db

BASE = "/api/v1/documents"


def test_prepare_number_sign_issue_over_the_api(client, demo, today, chair_device):
    dossiers = approved(demo, [AN])
    client.force_login(demo["chuyenvien"])
    r = client.post(
        f"{BASE}/decisions",
        {"occasion_id": dossiers[0].occasion_id, "dossier_ids": [dossiers[0].pk]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    decision_id = r.json()["id"]
    assert r.json()["entries"][0]["reward_amount"] == 760_000

    client.force_login(demo["vanthu"])
    r = client.post(
        f"{BASE}/decisions/{decision_id}/number", {"expected_version": 99}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["code"] == "stale_version"
    r = client.post(f"{BASE}/decisions/{decision_id}/number", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["reference"] == "1/QĐ-UBND"

    client.force_login(demo["chutich"])
    wrong = "000000" if totp_now(chair_device) != "000000" else "111111"
    r = client.post(
        f"{BASE}/decisions/{decision_id}/sign", {"otp_token": wrong}, content_type="application/json"
    )
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"
    assert Decision.objects.get(pk=decision_id).signature == ""
    type(chair_device).objects.filter(pk=chair_device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    r = client.post(
        f"{BASE}/decisions/{decision_id}/sign",
        {"otp_token": totp_now(chair_device)},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "signed" and r.json()["key_id"]

    client.force_login(demo["vanthu"])
    r = client.post(f"{BASE}/decisions/{decision_id}/issue", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["entries"][0]["golden_book_number"] == "1/2026"

    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = read_document(Decision.objects.get(pk=decision_id).pdf_storage_name)
    r = client.post(f"{BASE}/verify", {"file": SimpleUploadedFile("qd.pdf", pdf)})
    assert r.status_code == 200 and r.json()["valid"] and r.json()["reference"] == "1/QĐ-UBND"

    # Revocation answers with the new (revoking) decision; without a reason nothing is prepared.
    client.force_login(demo["chuyenvien"])
    count = Decision.objects.count()
    r = client.post(
        f"{BASE}/decisions/{decision_id}/revoke", {"reason": " "}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert Decision.objects.count() == count
    r = client.post(
        f"{BASE}/decisions/{decision_id}/revoke",
        {"reason": "Kê khai thành tích không trung thực"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["id"] != decision_id and r.json()["kind"] == "revocation"


def test_proposers_cannot_read_decisions(client, demo, today):
    dossiers = approved(demo, [AN])
    client.force_login(demo["chuyenvien"])
    decision_id = client.post(
        f"{BASE}/decisions",
        {"occasion_id": dossiers[0].occasion_id, "dossier_ids": [dossiers[0].pk]},
        content_type="application/json",
    ).json()["id"]
    client.force_login(demo["donvi"])
    assert client.get(f"{BASE}/decisions/{decision_id}").status_code == 404
    assert client.get(f"{BASE}/decisions").json() == []
    r = client.post(f"{BASE}/decisions/{decision_id}/number", {}, content_type="application/json")
    assert r.status_code == 404
    assert Decision.objects.get(pk=decision_id).number is None
