"""The pages: public verification, TOTP enrolment with a QR code, and the decision page's forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nominations.documents.storage import read_document
from nominations.models import Decision, DecisionStatus

from .conftest import totp_now
from .test_decisions import AN, THON, numbered, prepared

pytestmark = pytest.mark.django_db


def _unthrottle(device) -> None:
    """django-otp blocks a device for a second after a wrong code; skip the wait instead of sleeping."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def url(name: str, *args) -> str:
    return reverse(f"workflows:documents:{name}", args=args)


def test_verify_page_is_public_and_flags_changes(client, demo, today, chair_device):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workflows.actions import documents as docs

    d = numbered(demo, [AN])
    d = docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token=totp_now(chair_device))
    pdf = read_document(d.pdf_storage_name)
    assert client.get(url("verify")).status_code == 200
    page = client.post(url("verify"), {"file": SimpleUploadedFile("qd.pdf", pdf)}).content.decode()
    assert 'data-valid="true"' in page and "Nguyễn Quốc Hội" in page and "1/QĐ-UBND" in page
    changed = bytearray(pdf)
    changed[len(pdf) // 3] ^= 0x01
    page = client.post(url("verify"), {"file": SimpleUploadedFile("qd.pdf", bytes(changed))}).content.decode()
    assert 'data-valid="false"' in page
    sig = docs.signature_file_for(d)
    page = client.post(
        url("verify"),
        {
            "file": SimpleUploadedFile("qd.pdf", bytes(changed)),
            "signature": SimpleUploadedFile("qd.sig.json", sig),
        },
    ).content.decode()
    assert 'data-valid="false"' in page and "1/QĐ-UBND" in page


def test_totp_enrolment_with_qr_code(client, demo):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(demo["chutich"])
    page = client.get(url("totp")).content.decode()
    assert "<svg" in page and 'id="totp-secret"' in page
    pending = TOTPDevice.objects.get(user=demo["chutich"], confirmed=False)
    assert client.get(url("totp")).status_code == 200
    assert TOTPDevice.objects.filter(user=demo["chutich"]).count() == 1  # reused, not one per visit
    wrong = "000000" if totp_now(pending) != "000000" else "111111"
    client.post(url("totp"), {"otp_token": wrong})
    assert not TOTPDevice.objects.get(pk=pending.pk).confirmed
    _unthrottle(pending)
    response = client.post(url("totp"), {"otp_token": totp_now(pending)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(pk=pending.pk).confirmed


def test_decision_page_number_and_sign(client, demo, today, chair_device):
    d = prepared(demo, [AN, THON])
    client.force_login(demo["vanthu"])
    page = client.get(url("detail", d.pk)).content.decode()
    assert 'id="number-form"' in page and 'id="sign-form"' not in page
    assert "760.000 đ" in page
    client.post(url("number", d.pk), {"version": d.version})
    d = Decision.objects.get(pk=d.pk)
    assert d.reference == "1/QĐ-UBND"

    client.force_login(demo["chutich"])
    page = client.get(url("detail", d.pk)).content.decode()
    assert 'id="sign-form"' in page
    wrong = "000000" if totp_now(chair_device) != "000000" else "111111"
    client.post(url("sign", d.pk), {"otp_token": wrong, "version": d.version})
    assert Decision.objects.get(pk=d.pk).status == DecisionStatus.NUMBERED
    _unthrottle(chair_device)
    client.post(url("sign", d.pk), {"otp_token": totp_now(chair_device), "version": d.version})
    d = Decision.objects.get(pk=d.pk)
    assert d.status == DecisionStatus.SIGNED and d.signature
    pdf = client.get(url("pdf", d.pk))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]) == read_document(
        d.pdf_storage_name
    )
    assert client.get(url("signature", d.pk)).status_code == 200


def test_proposers_do_not_see_decisions(client, demo, today):
    d = prepared(demo, [AN])
    client.force_login(demo["donvi"])
    assert client.get(url("detail", d.pk)).status_code == 404
    assert client.get(url("pdf", d.pk)).status_code == 404
    assert client.post(url("number", d.pk)).status_code == 404
    assert "decision-table" in client.get(url("list")).content.decode()
    assert Decision.objects.get(pk=d.pk).number is None


def test_prepare_page(client, demo, today):
    from .conftest import approved

    dossiers = approved(demo, [AN])
    client.force_login(demo["chuyenvien"])
    page = client.get(url("prepare"), {"occasion": dossiers[0].occasion_id, "kind": "award"}).content.decode()
    assert f'value="{dossiers[0].pk}"' in page
    response = client.post(
        url("prepare"), {"occasion": dossiers[0].occasion_id, "kind": "award", "dossiers": [dossiers[0].pk]}
    )
    d = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", d.pk)
    preview = client.get(url("pdf", d.pk))
    assert preview.content.startswith(b"%PDF-")


def test_document_downloads_are_on_the_record(client, demo, today):
    """Issue 6 point 1: who fetched which document (and its SHA-256); a refused fetch leaves nothing."""
    from workflows.canonical import sha256_hex
    from workflows.models import AuditEvent

    d = prepared(demo, [AN])
    client.force_login(demo["donvi"])
    before = AuditEvent.objects.count()
    assert client.get(url("pdf", d.pk)).status_code == 404
    assert AuditEvent.objects.count() == before

    client.force_login(demo["chuyenvien"])
    response = client.get(url("pdf", d.pk))
    assert response.status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor_id, event.chain) == (
        "document_download",
        demo["chuyenvien"].pk,
        "system",
    )
    assert event.payload["decision"] == d.pk and event.payload["sha256"] == sha256_hex(response.content)
