"""Inbox, queue and archive: the task lists of a user, scoped, filtered and keyset-paginated.

Every list is built on viewflow's task table and then narrowed by the same dossier scope as every other
read (`selectors.dossier_scope`), because viewflow itself only knows model-wide permissions. A page costs a
fixed number of queries whatever the number of tasks: one for the rows (with everything the row shows
joined in), one for the quotas of the occasions/award types on the page; no COUNT(*).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from nominations.models import QuotaLedger
from nominations.search import normalise_for_search

from .flows import NO_DUE, OPEN, STEPS, queue_tokens
from .selectors import dossier_scope

PAGE_SIZE = 25
DOSSIER = "process__dossierprocess__dossier"
KINDS = ("mine", "queue", "done")


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition, seen from a model that reaches Dossier through `prefix`."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    children: list[Any] = list(q.children)
    out.children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (f"{prefix}__{child[0]}", child[1])
        for child in children
    ]
    return out


@dataclass
class Filters:
    occasion: int | None = None
    award_type: int | None = None
    unit: int | None = None
    state: str = ""
    overdue: bool = False
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> Filters:
        def as_int(name: str) -> int | None:
            value = (params.get(name) or "").strip()
            return int(value) if value.isdigit() else None

        return cls(
            occasion=as_int("occasion"),
            award_type=as_int("award_type"),
            unit=as_int("unit"),
            state=(params.get("state") or "").strip(),
            overdue=(params.get("overdue") or "") in ("1", "on", "true"),
            q=(params.get("q") or "").strip(),
        )

    def apply(self, qs: QuerySet[Task], *, now: dt.datetime) -> QuerySet[Task]:
        if self.occasion:
            qs = qs.filter(**{f"{DOSSIER}__occasion_id": self.occasion})
        if self.award_type:
            qs = qs.filter(**{f"{DOSSIER}__award_type_id": self.award_type})
        if self.unit:
            qs = qs.filter(**{f"{DOSSIER}__unit_id": self.unit})
        if self.state:
            qs = qs.filter(**{f"{DOSSIER}__status": self.state})
        if self.overdue:
            qs = qs.filter(scheduled__lt=now)
        if self.q:
            # search_text is written in Python with the same normalisation: "Nguyen Van An" finds "Nguyễn Văn An".
            for word in normalise_for_search(self.q).split():
                qs = qs.filter(**{f"{DOSSIER}__search_text__contains": word})
        return qs


@dataclass
class Row:
    task: Any
    dossier: Any
    step_title: str
    due: dt.datetime | None
    overdue: bool
    quota: QuotaLedger | None = None


@dataclass
class Page:
    rows: list[Row] = field(default_factory=list)
    next_cursor: str = ""


def tasks_for(user: Any, kind: str) -> QuerySet[Task]:
    """The scoped task list of one kind: my open tasks, my queues' unclaimed tasks, or what I finished."""
    scope = _prefixed(dossier_scope(user), DOSSIER)
    base = Task.objects.filter(flow_task_type="HUMAN").filter(scope)
    if kind == "mine":
        # Task views start and finish a task in one call, so an open task of mine is always ASSIGNED;
        # one status value lets the (owner, status, scheduled, id) index hand rows over already sorted.
        return base.filter(owner=user, status=STATUS.ASSIGNED)
    if kind == "queue":
        return base.filter(
            status=STATUS.NEW, owner__isnull=True, owner_permission__in=sorted(queue_tokens(user))
        )
    if kind == "done":
        return base.filter(owner=user, status=STATUS.DONE)
    raise ValueError(kind)


def _encode(value: dt.datetime, pk: int) -> str:
    return f"{value.timestamp():.6f}_{pk}"


def _decode(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        stamp, pk = cursor.split("_", 1)
        return dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC), int(pk)
    except (ValueError, OverflowError, OSError):
        return None


def inbox_page(*, user: Any, kind: str, filters: Filters, cursor: str = "", size: int | None = None) -> Page:
    """One page of a list. Open lists sort by deadline (soonest first), the archive by finish time (newest
    first); both page by keyset on (sort column, id)."""
    size = size or PAGE_SIZE
    now = timezone.now()
    qs = filters.apply(tasks_for(user, kind), now=now)
    position = _decode(cursor) if cursor else None
    if kind == "done":
        if position:
            qs = qs.filter(Q(finished__lt=position[0]) | Q(finished=position[0], id__lt=position[1]))
        qs = qs.order_by("-finished", "-id")
    else:
        if position:
            qs = qs.filter(Q(scheduled__gt=position[0]) | Q(scheduled=position[0], id__gt=position[1]))
        qs = qs.order_by("scheduled", "id")
    qs = qs.select_related(
        "owner",
        f"{DOSSIER}__nominee",
        f"{DOSSIER}__unit",
        f"{DOSSIER}__occasion",
        f"{DOSSIER}__award_type",
    )
    tasks = list(qs[: size + 1])
    more = len(tasks) > size
    tasks = tasks[:size]
    rows = []
    for task in tasks:
        dossier = task.process.dossierprocess.dossier
        due = task.scheduled if task.scheduled and task.scheduled < NO_DUE else None
        step = STEPS.get(task.flow_task.name) if task.flow_task else None
        rows.append(
            Row(
                task=task,
                dossier=dossier,
                step_title=str(step.title) if step else "",
                due=due,
                overdue=bool(due and due <= now and task.status in OPEN),
            )
        )
    _attach_quotas(rows)
    page = Page(rows=rows)
    if more and tasks:
        last = tasks[-1]
        page.next_cursor = _encode(last.finished if kind == "done" else last.scheduled, last.pk)
    return page


def _attach_quotas(rows: list[Row]) -> None:
    """The quota each row competes for, with seats remaining: one query for the whole page."""
    keys = {(r.dossier.occasion_id, r.dossier.award_type_id, r.dossier.nominee_kind) for r in rows}
    if not keys:
        return
    occasions = {k[0] for k in keys}
    awards = {k[1] for k in keys}
    quotas = {
        (q.occasion_id, q.award_type_id, q.nominee_kind): q
        for q in QuotaLedger.objects.filter(occasion_id__in=occasions, award_type_id__in=awards)
    }
    for r in rows:
        r.quota = quotas.get((r.dossier.occasion_id, r.dossier.award_type_id, r.dossier.nominee_kind))
