"""Award decisions end to end through the actions: prepare, number, sign with a TOTP code, issue."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from nominations.documents.storage import read_document
from nominations.models import Decision, DecisionStatus, QuotaLedger, SigningKey
from nominations.signing import verify_document
from tests import factories as f
from workflows.actions import documents as docs
from workflows.errors import ActionError
from workflows.models import AuditEvent

from .conftest import approved, pdf_text, totp_now

pytestmark = pytest.mark.django_db

AN = ("thon-dong-hy", "Nguyễn Văn An")
THON = ("thon-dong-hy", "Thôn Đồng Hỷ")
NGOC = ("truong-thcs", "Hà Thị Ngọc")


def prepared(demo, names=(AN, THON)) -> Decision:
    dossiers = approved(demo, list(names))
    return docs.decision_prepare(
        actor=demo["chuyenvien"], occasion_id=dossiers[0].occasion_id, dossier_ids=[d.pk for d in dossiers]
    )


def numbered(demo, names=(AN, THON)) -> Decision:
    d = prepared(demo, names)
    return docs.decision_issue_number(actor=demo["vanthu"], decision_id=d.pk, expected_version=d.version)


def statuses(decision: Decision) -> list[str]:
    return [f.fresh(e.dossier).status for e in decision.entries.order_by("order")]


def test_prepare_moves_dossiers_and_keeps_a_draft(demo, today):
    d = prepared(demo)
    assert d.status == DecisionStatus.DRAFT and d.reference == ""
    assert statuses(d) == ["decision_prepared", "decision_prepared"]
    assert d.signer == demo["chutich"] and d.signer_title == "chair"


def test_number_date_pdf_and_amounts(demo, today):
    d = numbered(demo)
    assert d.status == DecisionStatus.NUMBERED
    assert d.reference == "1/QĐ-UBND" and d.number_year == 2026 and d.issued_on == today
    pdf = read_document(d.pdf_storage_name)
    assert docs.sha256_hex(pdf) == d.sha256
    text = pdf_text(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: 1/QĐ-UBND" in text
    assert "Vĩnh Thông, ngày 25 tháng 11 năm 2026" in text
    # Legal bases from the LegalBasis rows in force on the decision date (98/2023 expired 30/06/2025).
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;" in text
    assert "Căn cứ Nghị định số 152/2025/NĐ-CP" in text
    assert "98/2023" not in text
    # 0.3 × 2,530,000 = 759,000 → 760,000; collective 0.6 × 2,530,000 = 1,518,000 → 1,520,000.
    assert "Nguyễn Văn An" in text and "760.000 đồng" in text
    assert "Thôn Đồng Hỷ" in text and "1.520.000 đồng" in text
    assert "2.280.000 đồng" in text
    assert "Nguyễn Quốc Hội" in text


def test_reward_follows_the_salary_on_the_decision_date(demo, today):
    import datetime as dt

    d = prepared(demo, [AN])
    d = docs.decision_issue_number(
        actor=demo["vanthu"], decision_id=d.pk, issued_on=dt.date(2026, 6, 30), render=False
    )
    # 0.3 × 2,340,000 = 702,000 → 710,000 before 01/07/2026.
    assert d.entries.get().reward_amount == 710_000


def test_numbers_are_sequential(demo, today):
    first = numbered(demo, [AN])
    second = numbered(demo, [THON])
    assert (first.number, second.number) == (1, 2)
    assert second.reference == "2/QĐ-UBND"


def test_sign_with_totp_then_issue(demo, today, chair_device):
    d = numbered(demo)
    d = docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token=totp_now(chair_device))
    assert d.status == DecisionStatus.SIGNED
    assert d.signed_at is not None and d.signer_name == "Nguyễn Quốc Hội"
    assert statuses(d) == ["signed", "signed"]
    assert SigningKey.objects.filter(user=demo["chutich"], key_id=d.key_id).exists()
    pdf = read_document(d.pdf_storage_name)
    result = verify_document(data=pdf)
    assert result.valid and result.reference == "1/QĐ-UBND"
    assert AuditEvent.objects.filter(action="decision_sign").exists()

    d = docs.decision_issue(actor=demo["vanthu"], decision_id=d.pk)
    assert d.status == DecisionStatus.ISSUED
    assert statuses(d) == ["awarded", "awarded"]
    entries = list(d.entries.order_by("order"))
    assert [e.golden_book_number for e in entries] == ["1/2026", "2/2026"]
    award_events = AuditEvent.objects.filter(action="award").order_by("id")
    paid = {e.dossier_id: e.payload["reward_amount"] for e in award_events}
    assert paid == {e.dossier_id: e.reward_amount for e in entries}
    assert sorted(paid.values()) == [760_000, 1_520_000]
    assert {e.payload["decision_number"] for e in award_events} == {"1/QĐ-UBND"}


def test_signed_decision_is_frozen(demo, today, chair_device):
    d = numbered(demo, [AN])
    d = docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token=totp_now(chair_device))
    d = Decision.objects.get(pk=d.pk)
    d.subject = "changed"
    with pytest.raises(ValidationError):
        d.save()
    with pytest.raises(ActionError) as err:
        docs.decision_render_pdf(actor=demo["vanthu"], decision_id=d.pk)
    assert err.value.code == "invalid_transition"


def _snapshot(d: Decision):
    row = Decision.objects.get(pk=d.pk)
    return (row.status, row.signature, row.version, statuses(row), SigningKey.objects.count())


@pytest.mark.parametrize("token", ["", "000000", "12345", "abcdef"])
def test_sign_refused_without_a_valid_totp_and_nothing_signed(demo, today, chair_device, token):
    d = numbered(demo)
    if token == "000000" and totp_now(chair_device) == "000000":
        token = "111111"
    before = _snapshot(d)
    with pytest.raises(ActionError) as err:
        docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token=token)
    assert err.value.code == "not_allowed"
    assert _snapshot(d) == before
    assert before[0] == DecisionStatus.NUMBERED and before[1] == "" and before[4] == 0


def test_sign_refused_without_an_enrolled_device(demo, today):
    d = numbered(demo)
    before = _snapshot(d)
    with pytest.raises(ActionError):
        docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token="123456")
    assert _snapshot(d) == before


def test_replayed_totp_refused(demo, today, chair_device):
    first = numbered(demo, [AN])
    second = numbered(demo, [THON])
    code = totp_now(chair_device)
    docs.decision_sign(actor=demo["chutich"], decision_id=first.pk, otp_token=code)
    before = _snapshot(second)
    with pytest.raises(ActionError) as err:
        docs.decision_sign(actor=demo["chutich"], decision_id=second.pk, otp_token=code)
    assert err.value.code == "not_allowed"
    assert _snapshot(second) == before


def test_only_the_chair_signs(demo, today, chair_device):
    d = numbered(demo)
    before = _snapshot(d)
    for user in ("vanthu", "chuyenvien", "donvi"):
        with pytest.raises(ActionError) as err:
            docs.decision_sign(actor=demo[user], decision_id=d.pk, otp_token=totp_now(chair_device))
        assert err.value.code == "not_allowed"
    assert _snapshot(d) == before


def test_roles_for_prepare_and_number(demo, today):
    dossiers = approved(demo, [AN])
    with pytest.raises(ActionError) as err:
        docs.decision_prepare(
            actor=demo["donvi"], occasion_id=dossiers[0].occasion_id, dossier_ids=[dossiers[0].pk]
        )
    assert err.value.code == "not_allowed"
    assert f.fresh(dossiers[0]).status == "council_approved"
    assert not Decision.objects.exists()
    d = docs.decision_prepare(
        actor=demo["chuyenvien"], occasion_id=dossiers[0].occasion_id, dossier_ids=[dossiers[0].pk]
    )
    with pytest.raises(ActionError):
        docs.decision_issue_number(actor=demo["chuyenvien"], decision_id=d.pk)
    assert Decision.objects.get(pk=d.pk).number is None


def test_province_awards_cannot_go_in_an_award_decision(demo, today):
    dossiers = approved(demo, [AN], award_code="bang-khen-tinh")
    with pytest.raises(ActionError) as err:
        docs.decision_prepare(
            actor=demo["chuyenvien"], occasion_id=dossiers[0].occasion_id, dossier_ids=[dossiers[0].pk]
        )
    assert err.value.code == "validation_error"
    assert f.fresh(dossiers[0]).status == "council_approved"


def test_quota_seats_stay_taken_through_signing(demo, today, chair_device):
    q = QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code="giay-khen-xa", nominee_kind="individual"
    )
    d = numbered(demo, [AN, NGOC])
    assert QuotaLedger.objects.get(pk=q.pk).used == 2
    d = docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token=totp_now(chair_device))
    docs.decision_issue(actor=demo["vanthu"], decision_id=d.pk)
    assert QuotaLedger.objects.get(pk=q.pk).used == 2


def test_vice_chair_signs_for_the_chair(demo, today):
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from nominations.models import Role, RoleAssignment

    deputy = get_user_model().objects.create(username="phochutich", first_name="Thành", last_name="Lương Văn")
    RoleAssignment.objects.create(
        user=deputy,
        authority=demo["chutich"].roles.first().authority,
        role=Role.CHAIR,
        title="Phó Chủ tịch UBND xã",
    )
    dossiers = approved(demo, [AN])
    d = docs.decision_prepare(
        actor=demo["chuyenvien"],
        occasion_id=dossiers[0].occasion_id,
        dossier_ids=[dossiers[0].pk],
        signer_id=deputy.pk,
    )
    assert d.signer_title == "deputy"
    d = docs.decision_issue_number(actor=demo["vanthu"], decision_id=d.pk)
    text = pdf_text(read_document(d.pdf_storage_name))
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lương Văn Thành" in text
    # Only the named signer signs it.
    chair_device = TOTPDevice.objects.create(user=demo["chutich"], name="chair", confirmed=True)
    with pytest.raises(ActionError) as err:
        docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token=totp_now(chair_device))
    assert err.value.code == "not_allowed"
    device = TOTPDevice.objects.create(user=deputy, name="deputy", confirmed=True)
    d = docs.decision_sign(actor=deputy, decision_id=d.pk, otp_token=totp_now(device))
    assert d.status == DecisionStatus.SIGNED and d.get_signer_title_display()
    assert verify_document(data=read_document(d.pdf_storage_name)).signer_name == "Lương Văn Thành"


def test_a_changed_stored_pdf_is_not_signed(demo, today, chair_device, settings):
    d = numbered(demo, [AN])
    path = settings.PRIVATE_STORAGE_ROOT / "documents" / d.pdf_storage_name
    path.write_bytes(path.read_bytes() + b"\n% appended")
    with pytest.raises(ActionError) as err:
        docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token=totp_now(chair_device))
    assert err.value.code == "conflict"
    assert Decision.objects.get(pk=d.pk).signature == ""
