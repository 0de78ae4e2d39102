"""State rebuilt from the ledger as of a past moment, against what the rows said at that moment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nominations.models import QuotaLedger, Unit
from tests import factories as f
from workflows import actions
from workflows.models import AuditEvent
from workflows.timetravel import dossier_as_of, quota_used_as_of, statuses_as_of

pytestmark = pytest.mark.django_db


def test_a_dossier_and_its_quota_as_of_each_moment(demo, today_in_window):
    u = demo
    unit = Unit.objects.get(code="thon-dong-hy")
    before_anything = timezone.now()
    d = f.draft(actor=u["donvi"], unit=unit, nominee_obj=unit.nominees.order_by("pk").first())
    d = actions.dossier_update(
        actor=u["donvi"],
        dossier_id=d.pk,
        expected_version=d.version,
        changes={"achievement_summary": "Bản sửa lần hai."},
    )
    after_edit = timezone.now()
    d = f.to_agenda(d, proposer=u["donvi"], reviewer=u["chuyenvien"])
    on_agenda = timezone.now()
    actions.council_result_record(
        actor=u["thuky"],
        authority_id=d.authority_id,
        members_present=5,
        tallies=[{"dossier_id": d.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": 5}],
    )
    approved = timezone.now()
    quota = QuotaLedger.objects.get(used=1)

    assert not dossier_as_of(dossier_id=d.pk, at=before_anything).existed
    then = dossier_as_of(dossier_id=d.pk, at=after_edit)
    assert then.status == "draft" and then.events == 2
    assert then.fields["achievement_summary"] == "Bản sửa lần hai."
    assert dossier_as_of(dossier_id=d.pk, at=on_agenda).status == "on_agenda"
    now = dossier_as_of(dossier_id=d.pk, at=approved)
    assert now.status == f.fresh(d).status == "council_approved"
    assert [e.action for e in now.history][-1] == "council_record"

    assert quota_used_as_of(quota_id=quota.pk, at=on_agenda) == 0
    assert quota_used_as_of(quota_id=quota.pk, at=approved) == quota.used == 1
    assert statuses_as_of(at=on_agenda) == {d.pk: "on_agenda"}
    assert statuses_as_of(at=approved + dt.timedelta(days=1)) == {d.pk: "council_approved"}


def test_events_at_the_same_instant_fold_in_order(demo, today_in_window):
    unit = Unit.objects.get(code="thon-dong-hy")
    d = f.draft(actor=demo["donvi"], unit=unit, nominee_obj=unit.nominees.order_by("pk").first())
    last = AuditEvent.objects.filter(dossier_id=d.pk).order_by("-id").first()
    assert dossier_as_of(dossier_id=d.pk, at=last.at).status == "draft"
