"""Revocation by a new signed decision; the submission package to the province and its results."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest

from nominations.documents.storage import read_document
from nominations.models import Decision, DecisionKind, DecisionStatus, QuotaLedger
from nominations.signing import verify_document
from tests import factories as f
from workflows.actions import documents as docs
from workflows.errors import ActionError

from .conftest import approved, pdf_text, totp_now
from .test_decisions import AN, NGOC, THON

pytestmark = pytest.mark.django_db


def _sign(demo, device, decision: Decision) -> Decision:
    return docs.decision_sign(actor=demo["chutich"], decision_id=decision.pk, otp_token=totp_now(device))


def _wait_next_step(device) -> None:
    """A TOTP code is usable once: signing twice in one test needs the next 30-second step."""
    device.refresh_from_db()
    # Shift the device's epoch one step back instead of sleeping 30 s: the next code is a new step.
    device.t0 -= device.step
    device.save()


def issued(demo, device, names) -> Decision:
    dossiers = approved(demo, names)
    d = docs.decision_prepare(
        actor=demo["chuyenvien"], occasion_id=dossiers[0].occasion_id, dossier_ids=[x.pk for x in dossiers]
    )
    d = docs.decision_issue_number(actor=demo["vanthu"], decision_id=d.pk)
    d = _sign(demo, device, d)
    return docs.decision_issue(actor=demo["vanthu"], decision_id=d.pk)


def quota(kind: str) -> QuotaLedger:
    return QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code="giay-khen-xa", nominee_kind=kind
    )


def test_revocation_is_a_new_signed_decision(demo, today, chair_device):
    original = issued(demo, chair_device, [AN, NGOC, THON])
    assert quota("individual").used == 2 and quota("collective").used == 1
    an = original.entries.get(nominee_name="Nguyễn Văn An")

    with pytest.raises(ActionError):
        docs.decision_revoke(actor=demo["chuyenvien"], decision_id=original.pk, reason="  ")
    revocation = docs.decision_revoke(
        actor=demo["chuyenvien"],
        decision_id=original.pk,
        reason="Khai không đúng thành tích.",
        dossier_ids=[an.dossier_id],
    )
    assert revocation.kind == DecisionKind.REVOCATION and revocation.revokes_id == original.pk
    assert docs.money_to_recover(revocation) == [
        {"name": "Nguyễn Văn An", "award": an.award_name, "amount": 760_000, "dossier_id": an.dossier_id}
    ]
    revocation = docs.decision_issue_number(actor=demo["vanthu"], decision_id=revocation.pk)
    assert revocation.reference == "2/QĐ-UBND"
    text = pdf_text(read_document(revocation.pdf_storage_name))
    assert "Hủy bỏ Quyết định số 1/QĐ-UBND ngày 25 tháng 11 năm 2026" in text
    assert "Lý do: Khai không đúng thành tích." in text
    assert "Nguyễn Văn An" in text and "760.000 đồng" in text
    assert "Hà Thị Ngọc" not in text

    _wait_next_step(chair_device)
    revocation = _sign(demo, chair_device, revocation)
    assert revocation.status == DecisionStatus.SIGNED
    assert f.fresh(an.dossier).status == "revoked"
    assert quota("individual").used == 1  # the seat is released
    others = original.entries.exclude(pk=an.pk)
    assert {f.fresh(e.dossier).status for e in others} == {"awarded"}
    # The original stays signed (other awards stand) and still verifies.
    original = Decision.objects.get(pk=original.pk)
    assert original.status == DecisionStatus.ISSUED
    assert verify_document(data=read_document(original.pdf_storage_name)).valid
    assert verify_document(data=read_document(revocation.pdf_storage_name)).valid


def test_revoking_every_award_revokes_the_decision(demo, today, chair_device):
    original = issued(demo, chair_device, [AN])
    revocation = docs.decision_revoke(actor=demo["chutich"], decision_id=original.pk, reason="Kỷ luật.")
    revocation = docs.decision_issue_number(actor=demo["vanthu"], decision_id=revocation.pk)
    _wait_next_step(chair_device)
    _sign(demo, chair_device, revocation)
    original = Decision.objects.get(pk=original.pk)
    assert original.status == DecisionStatus.REVOKED
    result = verify_document(data=read_document(original.pdf_storage_name))
    assert result.valid and result.revoked_by == "2/QĐ-UBND"
    assert quota("individual").used == 0


def test_unsigned_revocation_changes_nothing(demo, today, chair_device):
    original = issued(demo, chair_device, [AN])
    docs.decision_revoke(actor=demo["chuyenvien"], decision_id=original.pk, reason="Kỷ luật.")
    assert {f.fresh(e.dossier).status for e in original.entries.all()} == {"awarded"}
    assert quota("individual").used == 1
    with pytest.raises(ActionError) as err:
        docs.decision_revoke(actor=demo["chuyenvien"], decision_id=original.pk, reason="Lần nữa.")
    assert err.value.code == "conflict"


# --- province ----------------------------------------------------------------------------------


def submitted(demo, device):
    dossiers = approved(demo, [AN, NGOC, THON], award_code="bang-khen-tinh")
    d = docs.submission_prepare(
        actor=demo["chuyenvien"], occasion_id=dossiers[0].occasion_id, dossier_ids=[x.pk for x in dossiers]
    )
    d = docs.decision_issue_number(actor=demo["vanthu"], decision_id=d.pk)
    assert d.reference == "1/TTr-UBND"
    d = _sign(demo, device, d)
    return d


def test_submission_package_manifest_matches(demo, today, chair_device):
    d = submitted(demo, chair_device)
    text = pdf_text(read_document(d.pdf_storage_name))
    assert "TỜ TRÌNH" in text and "Số: 1/TTr-UBND" in text and "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in text
    assert "Kính gửi: Ủy ban nhân dân tỉnh Thái Nguyên" in text
    submission = docs.submission_package(
        actor=demo["chuyenvien"], decision_id=d.pk, external_reference="VB-123"
    )
    data = read_document(submission.package_storage_name)
    assert hashlib.sha256(data).hexdigest() == submission.package_sha256
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = [e["name"] for e in manifest["files"]]
        assert names[:4] == [
            "01-to-trinh-1-2026.pdf",
            "01-to-trinh-1-2026.pdf.sig.json",
            "02-danh-sach-1-2026.pdf",
            "02-danh-sach-1-2026.xlsx",
        ]
        for entry in manifest["files"]:
            assert hashlib.sha256(zf.read(entry["name"])).hexdigest() == entry["sha256"]
        signed_pdf = zf.read("01-to-trinh-1-2026.pdf")
        assert verify_document(
            data=signed_pdf, signature_file=zf.read("01-to-trinh-1-2026.pdf.sig.json")
        ).valid
    assert {f.fresh(e.dossier).status for e in d.entries.all()} == {"submitted_to_province"}
    assert Decision.objects.get(pk=d.pk).status == DecisionStatus.ISSUED


def test_package_includes_achievement_reports_and_minutes(demo, today, chair_device, settings):
    from nominations.models import Attachment

    d = submitted(demo, chair_device)
    entry = d.entries.order_by("order").first()
    root = settings.PRIVATE_STORAGE_ROOT / "attachments"
    root.mkdir(parents=True, exist_ok=True)
    for kind, content in (("achievement_report", b"%PDF-1.4 report"), ("minutes", b"%PDF-1.4 minutes")):
        (root / f"{kind}.pdf").write_bytes(content)
        Attachment.objects.create(
            dossier=entry.dossier,
            kind=kind,
            original_name=f"{kind}.pdf",
            storage_name=f"{kind}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            dossier_version=1,
            uploaded_by=demo["donvi"],
        )
    submission = docs.submission_package(actor=demo["chuyenvien"], decision_id=d.pk)
    names = [e["name"] for e in submission.manifest["files"]]
    prefix = f"03-ho-so/01-{entry.dossier_id}/"
    assert f"{prefix}bao-cao-thanh-tich-1.pdf" in names and f"{prefix}bien-ban-hoi-dong-1.pdf" in names


def test_province_results_per_dossier(demo, today, chair_device):
    d = submitted(demo, chair_device)
    docs.submission_package(actor=demo["chuyenvien"], decision_id=d.pk)
    bk = QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code="bang-khen-tinh", nominee_kind="individual"
    )
    assert bk.used == 2
    an, ngoc = (d.entries.get(nominee_name=n) for n in ("Nguyễn Văn An", "Hà Thị Ngọc"))
    thon = d.entries.get(nominee_name="Thôn Đồng Hỷ")

    with pytest.raises(ActionError):
        docs.submission_record_result(
            actor=demo["chuyenvien"], decision_id=d.pk, dossier_id=an.dossier_id, result="approved"
        )
    e = docs.submission_record_result(
        actor=demo["chuyenvien"],
        decision_id=d.pk,
        dossier_id=an.dossier_id,
        result="approved",
        decision_number="2150/QĐ-UBND",
        decided_on=dt.date(2026, 12, 10),
    )
    assert (e.province_result, e.province_decision_number) == ("approved", "2150/QĐ-UBND")
    assert f.fresh(an.dossier).status == "province_approved"
    docs.submission_record_result(
        actor=demo["chuyenvien"],
        decision_id=d.pk,
        dossier_id=ngoc.dossier_id,
        result="rejected",
        reason="Chưa đủ tiêu chuẩn.",
    )
    assert f.fresh(ngoc.dossier).status == "province_rejected"
    assert QuotaLedger.objects.get(pk=bk.pk).used == 1  # the rejected dossier's seat is released
    docs.submission_record_result(
        actor=demo["chuyenvien"],
        decision_id=d.pk,
        dossier_id=thon.dossier_id,
        result="returned",
        reason="Bổ sung báo cáo.",
    )
    assert f.fresh(thon.dossier).status == "province_returned"
    with pytest.raises(ActionError):
        docs.submission_record_result(
            actor=demo["vanthu"],
            decision_id=d.pk,
            dossier_id=thon.dossier_id,
            result="approved",
            decision_number="1",
        )


def test_commune_awards_cannot_be_submitted(demo, today):
    dossiers = approved(demo, [AN])
    with pytest.raises(ActionError) as err:
        docs.submission_prepare(
            actor=demo["chuyenvien"], occasion_id=dossiers[0].occasion_id, dossier_ids=[dossiers[0].pk]
        )
    assert err.value.code == "validation_error"
