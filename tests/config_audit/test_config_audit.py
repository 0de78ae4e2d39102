"""Configuration changes made in the admin, and sign-in failures, land in the ledger's system chain."""

import pytest

from nominations.models import QuotaLedger, RoleAssignment
from workflows.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_quota_limit_change_in_admin_is_recorded_with_before_and_after(demo, client):
    client.force_login(demo["quantri"])
    q = QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code="giay-khen-xa", nominee_kind="individual"
    )
    r = client.post(
        f"/admin/nominations/quotaledger/{q.pk}/change/",
        {
            "occasion": q.occasion_id,
            "award_type": q.award_type_id,
            "nominee_kind": q.nominee_kind,
            "limit": 7,
        },
    )
    assert r.status_code == 302, r.content[:2000]
    event = AuditEvent.objects.filter(chain="system", action="config_change").latest("id")
    assert event.payload["model"] == "nominations.QuotaLedger"
    assert event.payload["changes"]["limit"] == {"before": 5, "after": 7}
    assert event.actor_id == demo["quantri"].pk


def test_role_change_is_recorded(demo, client):
    client.force_login(demo["quantri"])
    ra = RoleAssignment.objects.get(user=demo["kiemtra"])
    before = AuditEvent.objects.filter(chain="system").count()
    r = client.post(
        f"/admin/nominations/roleassignment/{ra.pk}/change/",
        {
            "user": ra.user_id,
            "authority": ra.authority_id,
            "role": "auditor",
            "title": ra.title,
            "active": "",
        },
    )
    assert r.status_code == 302
    assert AuditEvent.objects.filter(chain="system").count() == before + 1
    event = AuditEvent.objects.filter(chain="system").latest("id")
    assert event.payload["changes"]["active"] == {"before": True, "after": False}


def test_refused_admin_change_records_nothing(demo, client):
    client.force_login(demo["quantri"])
    q = QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code="giay-khen-xa", nominee_kind="individual"
    )
    QuotaLedger.objects.filter(pk=q.pk).update(used=3)
    before = AuditEvent.objects.count()
    r = client.post(
        f"/admin/nominations/quotaledger/{q.pk}/change/",
        {
            "occasion": q.occasion_id,
            "award_type": q.award_type_id,
            "nominee_kind": q.nominee_kind,
            "limit": 2,
        },
    )
    assert r.status_code == 200  # the form comes back with the error
    assert QuotaLedger.objects.get(pk=q.pk).limit == 5
    assert AuditEvent.objects.count() == before


def test_failed_login_is_recorded(demo, client):
    r = client.post("/login/", {"username": "donvi", "password": "wrong"})
    assert r.status_code == 200
    event = AuditEvent.objects.filter(chain="system", action="login_failed").latest("id")
    assert event.payload["username"] == "donvi"
    assert event.actor_id is None
