"""The viewflow process of a dossier: who must do what next. Imported from AppConfig.ready().

The FSM on Dossier owns the legal status; this process only mirrors it as human tasks routed to queues.
The graph is a hub: every human task leads back to `route`, a Switch that reads the dossier's status
from the database and opens the one task that status calls for (or ends the process). Tasks are never
completed by viewflow's own views: an action moves the FSM and then calls `after_dossier_change`, which
completes the open task when the action is one of that task's outcomes, or cancels it when the dossier
moved for another reason (a withdrawal, a hold) — so the process cannot disagree with the FSM.

Routing: viewflow scopes tasks by Django permissions only, so a task's `owner_permission` column holds a
queue token instead ("unit:<id>", "office:<authority>", …) that `queue_tokens(user)` computes from
RoleAssignment. A human task's deadline is stored in viewflow's `scheduled` column (used by viewflow only
for TIMER rows), which the inbox indexes sort on; a non-interrupting timer boundary on each task fires the
escalation through `manage.py workflow_timers`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes.boundary import TimerBoundary
from viewflow.workflow.status import PROCESS, STATUS

from nominations.models import Attachment, ContentArea, CriteriaGroup, Dossier, Role, RoleAssignment
from nominations.states import DossierStatus
from notifications.services import notify

from .errors import ActionError
from .ledger import ledger_append
from .live import queues_changed
from .models import DossierProcess, DossierVersion
from .permissions import active_role_rows
from .selectors import dossier_scope

S = DossierStatus
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# Tasks with no deadline sort last; a real date keeps keyset pagination on one indexed column.
NO_DUE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Step:
    name: str
    queue: str  # unit | office | secretary | chair | award
    outcomes: tuple[str, ...]  # FSM transitions that complete this task
    title: Promise


STEPS: dict[str, Step] = {
    s.name: s
    for s in (
        Step("draft", "unit", ("submit",), _("Complete and submit the dossier")),
        Step("revise", "unit", ("resubmit",), _("Supplement the returned dossier")),
        Step(
            "receive",
            "office",
            ("receive", "return_for_supplement", "mark_ineligible"),
            _("Receive the dossier"),
        ),
        Step("appraise", "office", ("appraise", "mark_ineligible"), _("Appraise the dossier")),
        Step("agenda", "office", ("put_on_agenda", "mark_ineligible"), _("Put on the council agenda")),
        Step("council", "secretary", ("council_approve", "council_reject"), _("Record the council result")),
        Step("prepare_decision", "office", ("prepare_decision",), _("Prepare the decision")),
        Step("sign", "chair", ("sign",), _("Sign the decision")),
        Step("award", "award", ("award",), _("Record the award")),
        Step("forward", "office", ("submit_to_province",), _("Submit to the province")),
        Step(
            "province_result",
            "office",
            ("province_approve", "province_return", "province_reject"),
            _("Record the province's result"),
        ),
        Step("hold", "office", ("release_hold",), _("Dossier on hold")),
    )
}

_STEP_BY_STATUS = {
    S.DRAFT: "draft",
    S.RETURNED: "revise",
    S.SUBMITTED: "receive",
    S.RECEIVED: "appraise",
    S.APPRAISED: "agenda",
    S.ON_AGENDA: "council",
    S.COUNCIL_APPROVED: "prepare_decision",
    S.DECISION_PREPARED: "sign",
    S.PROVINCE_RETURNED: "forward",
    S.SUBMITTED_TO_PROVINCE: "province_result",
    S.ON_HOLD: "hold",
}


def step_for(status: str, *, commune_decided: bool) -> str | None:
    """The task a dossier in `status` waits on, or None when nothing is left to do."""
    if status == S.SIGNED:
        return "award" if commune_decided else "forward"
    return _STEP_BY_STATUS.get(S(status)) if status in S.values else None


# --- queues ---------------------------------------------------------------------------------------

QUEUE_ROLES = {
    "office": (Role.REVIEWER, Role.OFFICE_HEAD),
    "award": (Role.CLERK, Role.REVIEWER, Role.OFFICE_HEAD),
    "secretary": (Role.SECRETARY,),
    "chair": (Role.CHAIR,),
}


def queue_token(step: str, *, authority_id: int, unit_id: int) -> str:
    queue = STEPS[step].queue
    if queue == "unit":
        return f"unit:{unit_id}"
    return f"{queue}:{authority_id}"


def queue_tokens(user: Any) -> frozenset[str]:
    """Every queue this user works: their unit's (as proposer) and their roles' in each authority."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return tokens_of_roles(active_role_rows(user))


def tokens_of_roles(rows: Iterable[tuple[int, str, int | None]]) -> frozenset[str]:
    """The queues that (authority, role, unit) rows work: the unit's as proposer, the role's queues."""
    tokens: set[str] = set()
    for authority_id, role, unit_id in rows:
        if role == Role.PROPOSER and unit_id:
            tokens.add(f"unit:{unit_id}")
        for queue, roles in QUEUE_ROLES.items():
            if role in roles:
                tokens.add(f"{queue}:{authority_id}")
    return frozenset(tokens)


def is_office_head(user: Any, authority_id: int) -> bool:
    return RoleAssignment.objects.filter(
        user=user, authority_id=authority_id, role=Role.OFFICE_HEAD, active=True
    ).exists()


# --- the flow -------------------------------------------------------------------------------------


def _dossier_of(activation: Any) -> Dossier:
    process = activation.process
    return Dossier.objects.select_related("award_type").get(pk=process.dossier_id)


def _current_step(activation: Any) -> str | None:
    # Read the status from the database, never from a cached object: the action just moved it.
    row = (
        Dossier.objects.filter(pk=activation.process.dossier_id)
        .values_list("status", "award_type__level")
        .first()
    )
    if row is None:
        return None
    status, level = row
    return step_for(status, commune_decided=level == "commune")


def _at(step: str) -> Any:
    def condition(activation: Any) -> bool:
        return _current_step(activation) == step

    condition.__name__ = f"at_{step}"
    return condition


def _queue_of(step: str) -> Any:
    def permission(activation: Any) -> str:
        process = activation.process
        dossier = Dossier.objects.only("authority_id", "unit_id").get(pk=process.dossier_id)
        return queue_token(step, authority_id=dossier.authority_id, unit_id=dossier.unit_id)

    return permission


def _last_holder(process_id: int, token: str) -> Any:
    """Who did this dossier's latest finished task of the queue `token` (None if nobody yet)."""
    previous = (
        Task.objects.filter(process_id=process_id, status=STATUS.DONE, owner_permission=token)
        .exclude(owner__isnull=True)
        .select_related("owner")
        .order_by("-finished", "-id")
        .first()
    )
    return previous.owner if previous else None


def _auto_owner(step: str) -> Any:
    """Unit tasks go to the proposer who created the dossier; an office step after the first goes to the
    reviewer who did the previous office step. Everything else waits in its queue to be claimed."""

    def owner(activation: Any) -> Any:
        process = activation.process
        token = activation.task.owner_permission
        candidate = None
        if STEPS[step].queue == "unit":
            candidate = Dossier.objects.select_related("created_by").get(pk=process.dossier_id).created_by
        elif STEPS[step].queue == "office" and step != "receive":
            candidate = _last_holder(process.pk, token)
        if candidate is not None and token in queue_tokens(candidate):
            return candidate
        return None

    return owner


def _due_moment(dossier: Dossier) -> dt.datetime:
    """End of the due day in local time (deadlines are counted in whole working days)."""
    if dossier.due_on is None:
        return NO_DUE
    tz = timezone.get_default_timezone()
    next_day = dossier.due_on + dt.timedelta(days=1)
    return dt.datetime.combine(next_day, dt.time.min, tzinfo=tz)


def _set_due(activation: Any) -> None:
    task = activation.task
    task.scheduled = _due_moment(_dossier_of(activation))
    task.save(update_fields=["scheduled"])


def _timer_due(activation: Any) -> dt.datetime:
    host = activation.task.previous.first()
    return host.scheduled if host is not None and host.scheduled else NO_DUE


class QueueView(flow.View):
    """A human task routed to a queue token rather than to a Django permission."""

    def __init__(self, step: str) -> None:
        super().__init__(this.task_page)
        self.step = step
        self.Annotation(title=STEPS[step].title)
        self.Permission(_queue_of(step))
        self.Assign(_auto_owner(step))
        self._on_create = _set_due
        self.OnTimeout(_timer_due, this.escalate, interrupting=False, title=_("Overdue"))

    def can_assign(self, user: Any, task: Any) -> bool:
        return (
            task.owner_id is None
            and task.status == STATUS.NEW
            and task.owner_permission in queue_tokens(user)
        )

    def can_execute(self, user: Any, task: Any) -> bool:
        return task.owner_id is not None and task.owner_id == getattr(user, "pk", None)

    def can_unassign(self, user: Any, task: Any) -> bool:
        if task.owner_id is None:
            return False
        if task.owner_id == getattr(user, "pk", None):
            return True
        return _head_may_manage(user, task)


def _head_may_manage(user: Any, task: Any) -> bool:
    token = task.owner_permission or ""
    queue, _sep, authority = token.partition(":")
    return queue in ("office", "award") and authority.isdigit() and is_office_head(user, int(authority))


def _lock_impl() -> Any:
    engine = settings.DATABASES["default"]["ENGINE"]
    # Row lock on the process on PostgreSQL; SQLite serialises writers at BEGIN IMMEDIATE already.
    return lock.select_for_update_lock if engine.endswith("postgresql") else lock.no_lock


class DossierFlow(flow.Flow):
    """Nomination dossier

    One process per dossier; its tasks follow the dossier's lifecycle.
    """

    process_class = DossierProcess
    lock_impl = _lock_impl()

    start = flow.StartHandle(this.start_process).Next(this.route)
    route = (
        flow.Switch()
        .Case(this.draft, _at("draft"))
        .Case(this.revise, _at("revise"))
        .Case(this.receive, _at("receive"))
        .Case(this.appraise, _at("appraise"))
        .Case(this.agenda, _at("agenda"))
        .Case(this.council, _at("council"))
        .Case(this.prepare_decision, _at("prepare_decision"))
        .Case(this.sign, _at("sign"))
        .Case(this.award, _at("award"))
        .Case(this.forward, _at("forward"))
        .Case(this.province_result, _at("province_result"))
        .Case(this.hold, _at("hold"))
        .Default(this.end)
    )
    draft = QueueView("draft").Next(this.route)
    revise = QueueView("revise").Next(this.route)
    receive = QueueView("receive").Next(this.route)
    appraise = QueueView("appraise").Next(this.route)
    agenda = QueueView("agenda").Next(this.route)
    council = QueueView("council").Next(this.route)
    prepare_decision = QueueView("prepare_decision").Next(this.route)
    sign = QueueView("sign").Next(this.route)
    award = QueueView("award").Next(this.route)
    forward = QueueView("forward").Next(this.route)
    province_result = QueueView("province_result").Next(this.route)
    hold = QueueView("hold").Next(this.route)
    escalate = flow.Function(this.escalate_overdue).Next(this.escalated)
    escalated = flow.End()
    end = flow.End()

    def start_process(self, activation: Any, dossier: Dossier) -> Any:
        activation.process.dossier = dossier
        return activation.process

    def task_page(self, request: Any, **kwargs: Any) -> Any:
        # Only reached if someone mounts viewflow's own URLs: send them to our task page.
        from django.shortcuts import redirect

        return redirect("workflows:task", task_id=kwargs.get("task_pk"))

    def escalate_overdue(self, activation: Any) -> None:
        """A task passed its due date: tell the office heads (once per task) and record it."""
        timer = activation.task.previous.first()
        host = timer.previous.first() if timer is not None else None
        if host is None or host.status not in OPEN or host.data.get("escalated_at"):
            return
        dossier = Dossier.objects.select_related("nominee").get(pk=activation.process.dossier_id)
        escalate_task(task=host, dossier=dossier)


def escalate_task(*, task: Any, dossier: Dossier) -> None:
    heads = list(
        RoleAssignment.objects.filter(
            authority_id=dossier.authority_id, role=Role.OFFICE_HEAD, active=True, user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    step = STEPS.get(task.flow_task.name)
    title = gettext("Overdue: %(task)s — %(nominee)s") % {
        "task": step.title if step else task.flow_task.name,
        "nominee": dossier.nominee.name,
    }
    due = dossier.due_on.strftime("%d/%m/%Y") if dossier.due_on else ""
    notify(
        recipients=heads,
        kind="overdue",
        title=title,
        body=gettext("Due date: %(due)s") % {"due": due},
        url=f"/dossiers/{dossier.pk}/",
        data={"dossier_id": dossier.pk, "task_id": task.pk, "step": task.flow_task.name},
    )
    task.data = {**(task.data or {}), "escalated_at": timezone.now().isoformat()}
    task.save(update_fields=["data"])
    ledger_append(
        actor=None,
        action="escalate_overdue",
        dossier=dossier,
        from_state=str(dossier.status),
        to_state=str(dossier.status),
        payload={"task": task.flow_task.name, "due_on": dossier.due_on.isoformat() if dossier.due_on else ""},
    )


# --- keeping the process in step with the FSM ----------------------------------------------------


class CurrentFile(NamedTuple):
    """The fields of a current (not removed) attachment that the hash and the snapshot use."""

    pk: int
    original_name: str
    sha256: str
    size: int
    kind: str


class DossierContent(NamedTuple):
    """What a dossier holds besides its own columns: its content areas (by number) and its current
    attachments (by id), read once per action for both the "seen" hash and the version snapshot; and,
    read in the same statement for the hand-over, its process (pk, status), None if it has none."""

    areas: list[ContentArea]
    attachments: list[CurrentFile]
    process: tuple[int, str] | None = None


_CONTENT_SQL: list[str] = []


def _content_sql() -> str:
    """Content areas, current attachments, criteria group and process of one dossier in one statement
    (four ORM queries otherwise, on the path of every action). Built once from the models' own names."""
    if not _CONTENT_SQL:
        qn = connection.ops.quote_name
        link = Dossier.content_areas.through._meta
        areas, files, groups = (qn(m._meta.db_table) for m in (ContentArea, Attachment, CriteriaGroup))
        processes, process_rows = qn(DossierProcess._meta.db_table), qn(Process._meta.db_table)
        process_ptr = qn(DossierProcess._meta.pk.column)
        ln_dossier = qn(link.get_field("dossier").column)
        ln_area = qn(link.get_field("contentarea").column)
        # Only table and column names (quoted) are interpolated; the ids are parameters.
        _CONTENT_SQL.append(
            f"SELECT 0, a.id, a.number, a.name, '', 0, '', a.movement_id FROM {areas} a"  # noqa: S608
            f" JOIN {qn(link.db_table)} l ON l.{ln_area} = a.id WHERE l.{ln_dossier} = %s"
            " UNION ALL SELECT 1, f.id, 0, f.original_name, f.sha256, f.size, f.kind, 0"
            f" FROM {files} f WHERE f.dossier_id = %s AND f.removed_in_version IS NULL"
            " UNION ALL SELECT 2, g.id, g.number, g.name, '', 0, '', g.movement_id"
            f" FROM {groups} g WHERE g.id = %s"
            f" UNION ALL SELECT 3, p.{process_ptr}, 0, v.status, '', 0, '', 0 FROM {processes} p"
            f" JOIN {process_rows} v ON v.id = p.{process_ptr} WHERE p.dossier_id = %s"
            " ORDER BY 1, 3, 2"
        )
    return _CONTENT_SQL[0]


def dossier_content(dossier: Dossier) -> DossierContent:
    """Read the dossier's content areas and current attachments; also loads its criteria group (for the
    snapshot) when it is not loaded yet."""
    group_id = None
    if dossier.criteria_group_id and not Dossier.criteria_group.is_cached(dossier):
        group_id = dossier.criteria_group_id
    with connection.cursor() as cursor:
        cursor.execute(_content_sql(), [dossier.pk, dossier.pk, group_id, dossier.pk])
        rows = cursor.fetchall()
    areas: list[ContentArea] = []
    files: list[CurrentFile] = []
    process = None
    for part, pk, number, name, sha256, size, kind, movement_id in rows:
        if part == 0:
            areas.append(ContentArea(id=pk, movement_id=movement_id, number=number, name=name))
        elif part == 1:
            files.append(CurrentFile(pk, name, sha256, size, kind))
        elif part == 2:
            dossier.criteria_group = CriteriaGroup(id=pk, movement_id=movement_id, number=number, name=name)
        else:
            process = (pk, name)
    return DossierContent(areas=areas, attachments=files, process=process)


def snapshot(dossier: Dossier, content: DossierContent | None = None) -> dict[str, Any]:
    """The content of a dossier that a reviewer compares between versions."""
    content = content or dossier_content(dossier)
    return {
        "status": str(dossier.status),
        "achievement_summary": dossier.achievement_summary,
        "criteria_group": str(dossier.criteria_group) if dossier.criteria_group_id else "",
        "content_areas": [str(a) for a in content.areas],
        "return_reason": dossier.return_reason,
        "attachments": [
            {"id": a.pk, "name": a.original_name, "sha256": a.sha256, "size": a.size, "kind": a.kind}
            for a in content.attachments
        ],
    }


def after_dossier_change(
    *, actor: Any, dossier: Dossier, action: str, content: DossierContent | None = None
) -> None:
    """Called by every action, in its transaction, after the dossier was saved.

    Keeps one snapshot per version and moves the process: the open task is completed when `action` is one
    of its outcomes, cancelled when the dossier moved for another reason; then the task the new status
    calls for is opened. `content` is the dossier's content if the caller already read it this transaction.
    """
    if content is None:
        content = dossier_content(dossier)
    # One statement: a snapshot for this version unless one exists already (get_or_create took four).
    DossierVersion.objects.bulk_create(
        [
            DossierVersion(
                dossier=dossier,
                version=dossier.version,
                status=str(dossier.status),
                action=action,
                actor=actor,
                data=snapshot(dossier, content),
            )
        ],
        ignore_conflicts=True,
    )
    wanted = step_for(str(dossier.status), commune_decided=dossier.award_type.is_commune_decided)
    # Open task lists refresh after commit: the queue the next task waits in, and (below) the queues of
    # the tasks this move closes. Holders of those tasks work those queues, so "mine" lists follow.
    changed = (
        [queue_token(wanted, authority_id=dossier.authority_id, unit_id=dossier.unit_id)] if wanted else []
    )
    found = content.process  # read with the content, in this transaction
    if found is None:
        queues_changed(changed)
        with transaction.atomic():
            DossierFlow.start.run(dossier=dossier)
        return
    process_pk, process_status = found
    _lock_process(process_pk)
    open_tasks = list(
        Task.objects.filter(process_id=process_pk, flow_task_type="HUMAN", status__in=OPEN).order_by("id")
    )
    queues_changed([*changed, *(task.owner_permission for task in open_tasks)])
    if _hand_over(
        process_pk, process_status, open_tasks, wanted, actor=actor, action=action, dossier=dossier
    ):
        return
    with DossierFlow.lock(process_pk):  # viewflow's own path runs inside viewflow's lock scope
        for task in open_tasks:
            name = task.flow_task.name
            if action in STEPS[name].outcomes:
                _complete(task, actor=actor, action=action)
            elif name != wanted:
                _cancel_and_route(task, actor=actor, action=action)
        if not open_tasks and wanted is not None:
            _reopen(DossierProcess.objects.get(pk=process_pk))


def _lock_process(process_pk: int) -> None:
    """The row lock viewflow's flow lock takes, taken inside the action's transaction: claims hold the
    same lock, so a hand-over and a claim of the same task wait for each other. The direct hand-over
    needs no more; viewflow's flow lock (a savepoint and NOWAIT retries) is kept for viewflow's path."""
    if connection.vendor == "postgresql":
        list(DossierProcess.objects.select_for_update().filter(pk=process_pk).values_list("pk"))


# The common move (the open task is completed by one of its outcomes and the status calls for a next
# task) is written straight as the rows viewflow writes for it, in four statements instead of about
# thirty: viewflow saves each row two or three times, reads the dossier once per Switch case and per
# callback, and looks the timers up again. Every other case (a cancelled task, an ended or reopened
# process) goes through viewflow itself. tests/queues/test_hand_over.py runs every lifecycle path both
# ways and compares the rows; set this to False to go through viewflow always.
FAST_HAND_OVER = True


def _timer_boundaries(node: Any) -> list[Any] | None:
    """The node's boundary events if all are the deadline timers this flow arms, else None."""
    events = list(node._boundary_events)
    if all(isinstance(b, TimerBoundary) and b._delay is _timer_due for b in events):
        return events
    return None


def _hand_over(
    process_pk: int,
    process_status: str,
    open_tasks: list[Any],
    wanted: str | None,
    *,
    actor: Any,
    action: str,
    dossier: Dossier,
) -> bool:
    """Complete the open task and open the `wanted` one as viewflow would; False when not this case."""
    if not FAST_HAND_OVER or wanted is None or len(open_tasks) != 1 or getattr(actor, "pk", None) is None:
        return False
    task = open_tasks[0]
    node = task.flow_task
    step = STEPS.get(node.name)
    if step is None or action not in step.outcomes or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        return False
    if process_status == PROCESS.DONE:
        return False
    next_node = getattr(DossierFlow, wanted)
    old_timers, new_timers = _timer_boundaries(node), _timer_boundaries(next_node)
    if old_timers is None or new_timers is None:
        return False

    # _complete(): assign (or take over from the holder), start, record the outcome, finish.
    data = dict(task.data or {})
    if task.status == STATUS.ASSIGNED and task.owner_id != actor.pk:
        data["claimed_by"] = task.owner_id
    data["outcome"] = action
    started = timezone.now()
    Task.objects.filter(pk=task.pk).update(
        owner=actor, status=STATUS.DONE, started=started, finished=timezone.now(), data=data
    )
    # Finishing the host cancels its armed timers (viewflow's boundary listener on task_finished).
    for boundary in old_timers:
        Task.objects.filter(
            flow_task=boundary,
            process_id=process_pk,
            previous=task,
            status__in=[STATUS.NEW, STATUS.SCHEDULED],
        ).update(status=STATUS.CANCELED, finished=timezone.now())

    # activate_next(): the `route` Switch runs and is done, then the wanted task (queue token, owner,
    # deadline) and its timers, each row linked to the one before it.
    route = DossierFlow.route
    switch = Task(process_id=process_pk, flow_task=route, flow_task_type=route.task_type, token=task.token)
    switch.data = {}
    switch.status = STATUS.DONE
    switch.finished = timezone.now()
    permission = queue_token(wanted, authority_id=dossier.authority_id, unit_id=dossier.unit_id)
    human = Task(
        process_id=process_pk,
        flow_task=next_node,
        flow_task_type=next_node.task_type,
        token=task.token,
        owner_permission=permission,
    )
    human.data = {}
    owner = _next_owner(wanted, permission, process_id=process_pk, done=task, actor=actor, dossier=dossier)
    if owner is not None:
        human.owner = owner
        human.status = STATUS.ASSIGNED
    human.scheduled = _due_moment(dossier)
    timers = []
    for boundary in new_timers:
        timer = Task(
            process_id=process_pk, flow_task=boundary, flow_task_type=boundary.task_type, token=task.token
        )
        timer.data = {}
        timer.status = STATUS.SCHEDULED
        timer.scheduled = human.scheduled
        timers.append(timer)
    Task.objects.bulk_create([switch, human, *timers])
    link = Task.previous.through
    Task.previous.through.objects.bulk_create(
        [
            link(from_task_id=switch.pk, to_task_id=task.pk),
            link(from_task_id=human.pk, to_task_id=switch.pk),
            *(link(from_task_id=t.pk, to_task_id=human.pk) for t in timers),
        ]
    )
    return True


def _next_owner(step: str, token: str, *, process_id: int, done: Any, actor: Any, dossier: Dossier) -> Any:
    """_auto_owner() without its reads where the answer is at hand: the task just completed (now the
    actor's, finished last) is the latest done task of its queue, and the actor may be the creator."""
    candidate = None
    queue = STEPS[step].queue
    if queue == "unit":
        if dossier.created_by_id == actor.pk:
            candidate = actor
        else:
            candidate = Dossier.objects.select_related("created_by").get(pk=dossier.pk).created_by
    elif queue == "office" and step != "receive":
        candidate = actor if done.owner_permission == token else _last_holder(process_id, token)
    if candidate is not None and token in queue_tokens(candidate):
        return candidate
    return None


def _complete(task: Any, *, actor: Any, action: str) -> None:
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        activation.assign(actor)
    elif task.owner_id != actor.pk:
        # Someone else (the office head, an API client) acted: the task is recorded as theirs.
        task.data = {**(task.data or {}), "claimed_by": task.owner_id}
        activation.reassign(actor)
    activation.start(None)
    task.data = {**(task.data or {}), "outcome": action}
    activation.execute()


def _cancel_and_route(task: Any, *, actor: Any, action: str) -> None:
    activation = task.flow_task.activation_class(task)
    task.data = {**(task.data or {}), "cancelled_by": action, "cancelled_by_user": getattr(actor, "pk", None)}
    if task.status == STATUS.STARTED:
        task.status = STATUS.ASSIGNED
    activation.cancel()
    _cancel_timers(task)
    route = DossierFlow.route._create(activation, task.token)
    route._activate_next({route})


def _cancel_timers(host: Any) -> None:
    for timer in Task.objects.filter(
        previous=host, flow_task_type="TIMER", status__in=[STATUS.NEW, STATUS.SCHEDULED]
    ):
        timer_activation = timer.flow_task.activation_class(timer)
        if timer_activation.cancel.can_proceed():
            timer_activation.cancel()


def _reopen(process: Any) -> None:
    """A finished process whose dossier has work again (should not happen with today's FSM)."""
    last = Task.objects.filter(process_id=process.pk).order_by("-id").first()
    if last is None:
        return
    if process.status == PROCESS.DONE:
        process.status, process.finished = PROCESS.NEW, None
        process.save(update_fields=["status", "finished"])
    activation = last.flow_task.activation_class(last)
    route = DossierFlow.route._create(activation, last.token)
    route._activate_next({route})


# --- claim, release, reassign -------------------------------------------------------------------


def _locked_task(task_id: int) -> Any:
    task = Task.objects.filter(pk=task_id, flow_task_type="HUMAN").select_related("process").first()
    if task is None:
        raise ActionError("not_found", _("Task not found."))
    return task


def _visible(user: Any, task: Any) -> bool:
    process_dossier = (
        DossierProcess.objects.filter(pk=task.process_id).values_list("dossier_id", flat=True).first()
    )
    return Dossier.objects.filter(dossier_scope(user), pk=process_dossier).exists()


def _record_holder(*, actor: Any, task: Any, action: str, owner_id: int | None) -> None:
    """Who held which task when: on the dossier's chain, in the transaction of the change (auditors
    rebuild a user's inbox as of any moment from these)."""
    dossier = Dossier.objects.only("id", "unit_id", "status").get(process__pk=task.process_id)
    status = str(dossier.status)
    ledger_append(
        actor=actor,
        action=action,
        dossier=dossier,
        from_state=status,
        to_state=status,
        payload={"task": task.flow_task.name, "task_id": task.pk, "owner_id": owner_id},
    )


def task_claim(*, actor: Any, task_id: int) -> Any:
    """Take an unclaimed task of one of the actor's queues. Exactly one of two simultaneous claims wins:
    the flow lock serialises them and the conditional UPDATE only matches an unowned task."""
    task = _locked_task(task_id)
    with DossierFlow.lock(task.process_id):
        task = _locked_task(task_id)
        if task.owner_permission not in queue_tokens(actor) or not _visible(actor, task):
            raise ActionError("not_found", _("Task not found."))
        taken = Task.objects.filter(pk=task.pk, status=STATUS.NEW, owner__isnull=True).update(
            owner=actor, status=STATUS.ASSIGNED, assigned=timezone.now()
        )
        if taken == 0:
            raise ActionError("conflict", _("Someone else has already claimed this task."))
        _record_holder(actor=actor, task=task, action="task_claim", owner_id=actor.pk)
        queues_changed([task.owner_permission])
    return Task.objects.get(pk=task_id)


def task_release(*, actor: Any, task_id: int) -> Any:
    """Give a claimed task back to its queue (its owner, or the office head for office queues)."""
    task = _locked_task(task_id)
    with DossierFlow.lock(task.process_id):
        task = _locked_task(task_id)
        if task.status != STATUS.ASSIGNED or not task.flow_task.can_unassign(actor, task):
            raise ActionError("not_allowed", _("You cannot release this task."))
        Task.objects.filter(pk=task.pk, status=STATUS.ASSIGNED).update(
            owner=None, status=STATUS.NEW, assigned=None
        )
        _record_holder(actor=actor, task=task, action="task_release", owner_id=None)
        queues_changed([task.owner_permission])
    return Task.objects.get(pk=task_id)


def task_reassign(*, actor: Any, task_id: int, to_user: Any) -> Any:
    """The office head hands an office task to a colleague who works the same queue."""
    task = _locked_task(task_id)
    with DossierFlow.lock(task.process_id):
        task = _locked_task(task_id)
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED) or not _head_may_manage(actor, task):
            raise ActionError("not_allowed", _("Only the office head can reassign office tasks."))
        if task.owner_permission not in queue_tokens(to_user):
            raise ActionError("validation_error", _("This person does not work this queue."))
        Task.objects.filter(pk=task.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED]).update(
            owner=to_user, status=STATUS.ASSIGNED, assigned=timezone.now()
        )
        _record_holder(actor=actor, task=task, action="task_reassign", owner_id=to_user.pk)
        queues_changed([task.owner_permission])
    return Task.objects.get(pk=task_id)


def task_bulk_claim(*, actor: Any, task_ids: list[int]) -> dict[str, list[int]]:
    claimed, failed = [], []
    for task_id in task_ids:
        try:
            with transaction.atomic():
                task_claim(actor=actor, task_id=task_id)
            claimed.append(task_id)
        except ActionError:
            failed.append(task_id)
    return {"claimed": claimed, "failed": failed}


def open_task_of(dossier_id: int) -> Any:
    return (
        Task.objects.filter(
            process__dossierprocess__dossier_id=dossier_id, flow_task_type="HUMAN", status__in=OPEN
        )
        .select_related("owner")
        .order_by("-id")
        .first()
    )


def process_agrees(dossier: Dossier) -> bool:
    """The invariant the tests check after every action: the open task is the one the status calls for."""
    wanted = step_for(str(dossier.status), commune_decided=dossier.award_type.is_commune_decided)
    names = [
        t.flow_task.name
        for t in Task.objects.filter(
            Q(process__dossierprocess__dossier_id=dossier.pk), flow_task_type="HUMAN", status__in=OPEN
        )
    ]
    if wanted is None:
        process = DossierProcess.objects.filter(dossier_id=dossier.pk).first()
        return names == [] and (process is None or process.status == PROCESS.DONE)
    return names == [wanted]
