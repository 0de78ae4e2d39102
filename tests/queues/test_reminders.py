"""Two working days before a task's due date, its holder (or its queue, when unclaimed) is reminded once."""

import datetime as dt

import pytest

from nominations import rules
from nominations.models import Unit
from notifications.models import Notification
from tests import factories as f
from workflows import actions
from workflows.flows import open_task_of, task_claim
from workflows.reminders import remind_deadlines

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def submitted(demo, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    unit = Unit.objects.get(code="thon-dong-hy")
    d = f.draft(actor=demo["donvi"], unit=unit, nominee_obj=unit.nominees.get(name="Nguyễn Văn An"))
    return actions.dossier_submit(actor=demo["donvi"], dossier_id=d.pk, expected_version=d.version)


def _reminders(user):
    return Notification.objects.filter(kind="deadline_soon", recipient=user)


def test_the_office_queue_is_reminded_once_two_working_days_ahead(submitted, demo):
    due = f.fresh(submitted).due_on
    assert due == rules.add_working_days(TODAY, 3)  # receive: 3 working days
    assert remind_deadlines(today=TODAY) == 0  # three working days away: not yet
    day = rules.add_working_days(TODAY, 1)
    assert remind_deadlines(today=day) == 1
    assert _reminders(demo["chuyenvien"]).count() == 1
    assert _reminders(demo["truongphong"]).count() == 1
    assert not _reminders(demo["donvi"]).exists()
    assert remind_deadlines(today=day) == 0  # once only
    assert _reminders(demo["chuyenvien"]).count() == 1


def test_a_claimed_task_reminds_only_its_holder(submitted, demo):
    task = open_task_of(submitted.pk)
    task_claim(actor=demo["chuyenvien"], task_id=task.pk)
    assert remind_deadlines(today=rules.add_working_days(TODAY, 1)) == 1
    assert _reminders(demo["chuyenvien"]).count() == 1
    assert not _reminders(demo["truongphong"]).exists()
