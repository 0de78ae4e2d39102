"""Deadline reminders: whoever holds a task (or, unclaimed, its queue) hears two working days ahead.

Run by `manage.py remind_deadlines` from the scheduler, daily. Each open task is reminded once
(`task.data["reminded_at"]`); the overdue escalation itself is viewflow's timer (`workflow_timers`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from nominations import rules
from nominations.models import Dossier, Role, RoleAssignment

from .flows import OPEN, QUEUE_ROLES, STEPS

REMIND_WORKING_DAYS = 2


def queue_members(token: str) -> list[int]:
    """Users who work the queue named by a task's token ("unit:<id>" or "<queue>:<authority id>")."""
    kind, _sep, ident = token.partition(":")
    if not ident.isdigit():
        return []
    qs = RoleAssignment.objects.filter(active=True, user__is_active=True)
    if kind == "unit":
        qs = qs.filter(role=Role.PROPOSER, unit_id=int(ident))
    elif kind in QUEUE_ROLES:
        qs = qs.filter(role__in=QUEUE_ROLES[kind], authority_id=int(ident))
    else:
        return []
    return list(qs.values_list("user_id", flat=True).distinct())


def remind_deadlines(*, today: dt.date | None = None) -> int:
    """Notify about open tasks due within the next two working days; returns how many were reminded."""
    from notifications.services import notify

    today = today or timezone.localdate()
    horizon = rules.add_working_days(today, REMIND_WORKING_DAYS)
    tasks = Task.objects.filter(
        flow_task_type="HUMAN", status__in=OPEN, process__dossierprocess__isnull=False
    ).values_list("pk", "process__dossierprocess__dossier_id")
    due: dict[int, dt.date] = {
        pk: on
        for pk, on in Dossier.objects.filter(
            pk__in=[d for _t, d in tasks], due_on__gte=today, due_on__lte=horizon
        ).values_list("pk", "due_on")
        if on is not None
    }
    reminded = 0
    for task_id, dossier_id in tasks:
        if dossier_id not in due:
            continue
        with transaction.atomic():
            task: Any = Task.objects.select_for_update().filter(pk=task_id, status__in=OPEN).first()
            if task is None or (task.data or {}).get("reminded_at"):
                continue
            dossier = Dossier.objects.select_related("nominee").get(pk=dossier_id)
            recipients = [task.owner_id] if task.owner_id else queue_members(task.owner_permission or "")
            step = STEPS.get(task.flow_task.name)
            notify(
                recipients=recipients,
                kind="deadline_soon",
                title=_("Due on %(due)s: %(task)s — %(nominee)s")
                % {
                    "due": due[dossier_id].strftime("%d/%m/%Y"),
                    "task": step.title if step else task.flow_task.name,
                    "nominee": dossier.nominee.name,
                },
                url=f"/dossiers/{dossier_id}/",
                data={"dossier_id": dossier_id, "task_id": task_id, "due_on": due[dossier_id].isoformat()},
            )
            task.data = {**(task.data or {}), "reminded_at": timezone.now().isoformat()}
            task.save(update_fields=["data"])
            reminded += 1
    return reminded
