"""Recording approvals notifies the office and the secretary when a quota reaches 80% and when it is full."""

import pytest

from nominations.models import QuotaLedger, Unit
from notifications.models import Notification
from tests import factories as f
from workflows import actions

pytestmark = pytest.mark.django_db


def _approve(demo, unit, name):
    d = f.draft(actor=demo["donvi"], unit=unit, nominee_obj=f.nominee(unit, name))
    d = f.to_agenda(d, proposer=demo["donvi"], reviewer=demo["chuyenvien"])
    return actions.council_result_record(
        actor=demo["thuky"],
        authority_id=unit.authority_id,
        members_present=5,
        tallies=[{"dossier_id": d.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": 5}],
    )


def test_quota_warning_at_80_percent_then_full(demo):
    unit = Unit.objects.get(code="thon-dong-hy")
    q = QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code="giay-khen-xa", nominee_kind="individual"
    )
    QuotaLedger.objects.filter(pk=q.pk).update(used=3)  # limit 5: the next seat makes 4/5 = 80%
    _approve(demo, unit, "Vi Văn Bốn")
    warn = Notification.objects.filter(kind="quota_warning", recipient=demo["chuyenvien"])
    assert warn.count() == 1
    assert Notification.objects.filter(kind="quota_warning", recipient=demo["truongphong"]).count() == 1
    assert not Notification.objects.filter(kind="quota_full").exists()
    _approve(demo, unit, "Vi Văn Năm")
    assert Notification.objects.filter(kind="quota_full", recipient=demo["chuyenvien"]).count() == 1
    assert warn.count() == 1  # 100% is "full", not a second 80% warning
    assert not Notification.objects.filter(kind__startswith="quota", recipient=demo["donvi"]).exists()
