"""Deadlines: due dates from the SLA rules in working days, overdue rows stand out, and viewflow's timer
dispatcher (`manage.py workflow_timers`) escalates an overdue task to the office head once."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from nominations import rules
from notifications.models import Notification
from tests import factories as f
from workflows import actions
from workflows.flows import open_task_of
from workflows.models import AuditEvent

pytestmark = pytest.mark.django_db


def submitted(world):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    return actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)


def test_due_date_comes_from_the_sla_in_working_days(world):
    d = f.fresh(submitted(world))
    days = rules.sla_days(d.authority_id, "receive", dt.date(2026, 11, 25))
    assert d.due_on == rules.add_working_days(dt.date(2026, 11, 25), days)
    task = open_task_of(d.pk)
    assert timezone.localtime(task.scheduled).date() == d.due_on + dt.timedelta(days=1)
    timer = Task.objects.get(previous=task, flow_task_type="TIMER")
    assert timer.status == STATUS.SCHEDULED
    assert timer.scheduled == task.scheduled


def test_overdue_task_is_escalated_once_to_the_office_head(world, client):
    u = world["u"]
    d = submitted(world)
    task = open_task_of(d.pk)
    past = timezone.now() - dt.timedelta(hours=1)
    Task.objects.filter(pk=task.pk).update(scheduled=past)
    Task.objects.filter(previous=task, flow_task_type="TIMER").update(scheduled=past)

    call_command("workflow_timers")
    sent = Notification.objects.filter(recipient=u["truongphong"], kind="overdue")
    assert sent.count() == 1
    assert sent.get().data["dossier_id"] == d.pk
    assert AuditEvent.objects.filter(dossier_id=d.pk, action="escalate_overdue").count() == 1
    assert open_task_of(d.pk).pk == task.pk  # non-interrupting: the task stays open
    call_command("workflow_timers")
    assert sent.count() == 1

    client.force_login(u["chuyenvien"])
    resp = client.get(reverse("workflows:inbox") + "?tab=queue&overdue=1")
    rows = resp.context["page"].rows
    assert [r.task.pk for r in rows] == [task.pk]
    assert rows[0].overdue
    assert "td-overdue" in resp.content.decode()


def test_completed_task_disarms_its_timer(world):
    u = world["u"]
    d = submitted(world)
    task = open_task_of(d.pk)
    actions.dossier_receive(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)
    timer = Task.objects.get(previous=task, flow_task_type="TIMER")
    assert timer.status == STATUS.CANCELED
    Task.objects.filter(pk=timer.pk).update(scheduled=timezone.now() - dt.timedelta(days=1))
    call_command("workflow_timers")
    assert not Notification.objects.filter(kind="overdue").exists()
