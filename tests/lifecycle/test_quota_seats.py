"""Quota seats: taken when the council's approval is recorded, given back exactly on province rejection
and revocation; every take and release is in the ledger as payload["quota"] = {id, delta}."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from nominations.models import QuotaLedger, QuotaSeat
from nominations.quotas import quota_seat_release
from tests import factories as f
from tests.lifecycle.helpers import refused
from workflows.models import AuditEvent

pytestmark = pytest.mark.django_db


def _quota(award: str = "giay-khen-xa", kind: str = "individual") -> QuotaLedger:
    return QuotaLedger.objects.get(occasion__code="hang-nam-2026", award_type__code=award, nominee_kind=kind)


def _ledger_deltas(quota: QuotaLedger) -> int:
    total = 0
    for payload in AuditEvent.objects.filter(payload__has_key="quota").values_list("payload", flat=True):
        if payload["quota"]["id"] == quota.pk:
            total += payload["quota"]["delta"]
    return total


def test_seat_is_taken_on_council_approval_and_not_before(life):
    q0 = _quota().used
    d = life.reach("on_agenda")
    assert _quota().used == q0 and not QuotaSeat.objects.filter(dossier=d).exists()
    d = life.step(d, "council_approve")
    q = _quota()
    assert q.used == q0 + 1
    assert QuotaSeat.objects.get(dossier=d).quota_id == q.pk
    ev = AuditEvent.objects.get(dossier_id=d.pk, action="council_record")
    assert ev.payload["quota"] == {"id": q.pk, "delta": 1}
    assert _ledger_deltas(q) == q.used


def test_council_rejection_takes_no_seat(life):
    d = life.reach("council_rejected")
    assert _quota().used == 0 and not QuotaSeat.objects.filter(dossier=d).exists()
    assert "quota" not in AuditEvent.objects.get(dossier_id=d.pk, action="council_record").payload


def test_revocation_gives_the_seat_back_exactly(life):
    keep = life.reach("awarded")
    d = life.reach("awarded")
    q = _quota()
    assert q.used == 2
    d = life.step(d, "revoke")
    q = _quota()
    assert q.used == 1
    assert not QuotaSeat.objects.filter(dossier=d).exists()
    assert QuotaSeat.objects.filter(dossier=keep).exists()
    ev = AuditEvent.objects.get(dossier_id=d.pk, action="revoke")
    assert ev.payload["quota"] == {"id": q.pk, "delta": -1}
    assert _ledger_deltas(q) == q.used == QuotaSeat.objects.filter(quota=q).count()


def test_province_rejection_gives_the_seat_back(life):
    q0 = _quota("bang-khen-tinh").used
    d = life.reach("submitted_to_province")
    assert _quota("bang-khen-tinh").used == q0 + 1
    d = life.step(d, "province_reject")
    q = _quota("bang-khen-tinh")
    assert q.used == q0
    assert not QuotaSeat.objects.filter(dossier=d).exists()
    ev = AuditEvent.objects.get(dossier_id=d.pk, action="province_reject")
    assert ev.payload["quota"] == {"id": q.pk, "delta": -1}
    assert _ledger_deltas(q) == q.used


def test_province_approval_and_return_keep_the_seat_until_revoked(life):
    approved = life.reach("province_approved")
    returned = life.reach("province_returned")
    q = _quota("bang-khen-tinh")
    assert q.used == 2
    resent = life.step(returned, "submit_to_province")
    assert resent.status == "submitted_to_province" and _quota("bang-khen-tinh").used == 2
    life.step(approved, "revoke")
    q = _quota("bang-khen-tinh")
    assert q.used == 1 == QuotaSeat.objects.filter(quota=q).count() == _ledger_deltas(q)


def test_hold_and_release_keep_the_seat(life):
    d = life.reach("council_approved")
    d = life.step(d, "hold")
    assert _quota().used == 1
    d = life.step(d, "release_hold")
    assert d.status == "council_approved" and _quota().used == 1


def test_withdraw_before_the_council_has_no_seat_to_release(life):
    d = life.reach("on_agenda")
    d = life.step(d, "withdraw")
    assert d.status == "withdrawn"
    assert "quota" not in AuditEvent.objects.get(dossier_id=d.pk, action="withdraw").payload
    assert _quota().used == 0


def test_release_without_a_seat_changes_nothing(life):
    keep = life.reach("council_approved")
    d = life.reach("on_agenda")
    assert quota_seat_release(dossier=d) is False
    assert _quota().used == 1 and QuotaSeat.objects.filter(dossier=keep).exists()


def test_an_award_with_no_seats_in_this_occasion_is_quota_full(life):
    # Cờ thi đua tỉnh has seats only at the final review (2030): none in the annual 2026 round.
    d = life.reach("on_agenda", award="co-thi-dua-tinh", nominee=life.nominee(kind="collective"))
    exc = refused("quota_full", lambda: life.record([d], 5), d)
    assert "full" in str(exc.message)


def test_used_always_equals_live_seats_and_ledger_sum(life):
    QuotaLedger.objects.update(limit=50)
    ds = [life.reach("council_approved") for _ in range(3)]
    life.step(life.step(life.step(ds[0], "prepare_decision"), "sign"), "award")
    life.step(f.fresh(ds[0]), "revoke")
    q = _quota()
    assert q.used == 2 == QuotaSeat.objects.filter(quota=q).count() == _ledger_deltas(q)
    assert QuotaLedger.objects.aggregate(s=Sum("used"))["s"] == QuotaSeat.objects.count()
