"""Time travel: any state the ledger describes, rebuilt as it stood at a past moment.

Everything here folds events (oldest first) that happened at or before `at`, so the answer is what the
ledger proves, not what the tables say now. Each kind of state is one reducer over `events_as_of(...)`:
a dossier, a quota, a council session (with what a member had before her at each of her ballots) and
a user's inbox. The current rows are read only for what never changes (a dossier's authority, unit and
award type, a nominee's name) and, for a user's roles then, as the starting point from which every
later role change recorded in the ledger is undone.

Limit: task claims, releases and reassignments are not written to the ledger yet (workflows/flows.py),
so an inbox as of a moment shows each open task in its queue; once they are written as
TASK_HOLDER_ACTIONS events on the dossier's chain, the tasks a user held then are shown as hers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from .ledger import dossier_chain
from .models import AuditEvent


def events_as_of(*, at: dt.datetime, where: Q | None = None) -> QuerySet[AuditEvent]:
    """Events recorded at or before `at`, oldest first (within a chain, seq order is time order)."""
    qs = AuditEvent.objects.filter(at__lte=at)
    if where is not None:
        qs = qs.filter(where)
    return qs.order_by("id")


def fold[S](*, events: Iterable[AuditEvent], initial: S, step: Callable[[S, AuditEvent], S]) -> S:
    state = initial
    for event in events:
        state = step(state, event)
    return state


@dataclass
class DossierAsOf:
    dossier_id: int
    status: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    events: int = 0
    last_action: str = ""
    last_at: dt.datetime | None = None
    last_actor: str = ""
    seen_hash: str = ""
    history: list[AuditEvent] = field(default_factory=list)

    @property
    def existed(self) -> bool:
        return self.events > 0


def _dossier_step(state: DossierAsOf, event: AuditEvent) -> DossierAsOf:
    state.events += 1
    state.history.append(event)
    if event.to_state:
        state.status = event.to_state
    payload = event.payload or {}
    if event.action == "create":
        state.fields.update({k: v for k, v in payload.items() if k != "quota"})
    after = payload.get("after")
    if isinstance(after, dict):
        state.fields.update(after)
    for key in ("reason", "decision_number", "golden_book_number", "reward_amount"):
        if key in payload:
            state.fields[key] = payload[key]
    state.last_action = event.action
    state.last_at = event.at
    state.last_actor = event.actor_name
    state.seen_hash = event.seen_hash
    return state


def dossier_as_of(*, dossier_id: int, at: dt.datetime) -> DossierAsOf:
    """The dossier's status and recorded fields at `at` (status "" = it did not exist yet)."""
    events = events_as_of(at=at, where=Q(chain=dossier_chain(dossier_id)))
    return fold(events=events, initial=DossierAsOf(dossier_id=dossier_id), step=_dossier_step)


def quota_used_as_of(*, quota_id: int, at: dt.datetime) -> int:
    """Seats of one quota taken at `at`: the sum of the recorded payload["quota"] deltas."""
    events = events_as_of(at=at, where=Q(payload__quota__id=quota_id)).only("payload")

    def step(used: int, event: AuditEvent) -> int:
        return used + int(event.payload["quota"].get("delta", 0))

    return fold(events=events, initial=0, step=step)


def statuses_as_of(*, at: dt.datetime, dossier_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Every dossier's status at `at` (or those given), in one pass over the ledger."""
    where = Q(dossier_id__isnull=False) & ~Q(to_state="")
    if dossier_ids is not None:
        where &= Q(dossier_id__in=list(dossier_ids))
    statuses: dict[int, str] = {}
    for dossier_id, to_state in events_as_of(at=at, where=where).values_list("dossier_id", "to_state"):
        if dossier_id is not None:
            statuses[dossier_id] = to_state
    return statuses


# --- a council session ----------------------------------------------------------------------------

SESSION_STATES = {
    "council_session_create": "draft",
    "council_session_open": "open",
    "council_session_close": "closed",
}


def council_chain(session_id: int) -> str:
    return f"council:{session_id}"


@dataclass
class SessionAsOf:
    """A council session as the ledger shows it. Ballots are counted, never read: the ledger records
    that a member voted (and whether she changed her ballot), not what she chose."""

    session_id: int
    status: str = ""  # "" (not created yet), "draft", "open", "closed"
    held_on: str = ""
    place: str = ""
    chair_id: int | None = None
    decides_awards: bool = True
    members: list[int] = field(default_factory=list)
    agenda: list[int] = field(default_factory=list)
    present: list[int] | None = None  # None until the secretary marked attendance
    recusals: set[tuple[int, int]] = field(default_factory=set)
    voted: dict[int, set[int]] = field(default_factory=dict)  # dossier -> members with a ballot
    changes: int = 0  # ballots replaced by a later one
    outcomes: dict[str, str] = field(default_factory=dict)
    events: int = 0
    last_action: str = ""
    last_at: dt.datetime | None = None

    @property
    def existed(self) -> bool:
        return self.events > 0

    @property
    def ballots_cast(self) -> int:
        return sum(len(members) for members in self.voted.values())

    def ballots_on(self, dossier_id: int) -> int:
        return len(self.voted.get(dossier_id, ()))

    def agenda_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "dossier_id": d,
                "ballots": self.ballots_on(d),
                "recused": sorted(m for dd, m in self.recusals if dd == d),
                "outcome": self.outcomes.get(str(d), ""),
            }
            for d in self.agenda
        ]


def _session_step(state: SessionAsOf, event: AuditEvent) -> SessionAsOf:
    state.events += 1
    state.last_action, state.last_at = event.action, event.at
    payload = event.payload or {}
    state.status = SESSION_STATES.get(event.action, state.status)
    if event.action == "council_session_create":
        state.held_on = str(payload.get("held_on", ""))
        state.place = str(payload.get("place", ""))
        state.chair_id = payload.get("chair_id")
        state.decides_awards = bool(payload.get("decides_awards", True))
        state.members = [int(m) for m in payload.get("members", [])]
        state.agenda = [int(d) for d in payload.get("agenda", [])]
        state.recusals = {(int(d), int(m)) for d, m in payload.get("recusals", [])}
    elif event.action in ("council_attendance", "council_session_open") and "present" in payload:
        present = payload["present"]
        # The opening event records the count; the attendance event the names.
        if isinstance(present, list):
            state.present = sorted(int(m) for m in present)
    elif event.action in ("council_ballot_cast", "council_ballot_written") and event.dossier_id:
        member = int(payload.get("member_id", 0))
        voters = state.voted.setdefault(int(event.dossier_id), set())
        if member in voters or payload.get("changed"):
            state.changes += 1
        voters.add(member)
    elif event.action == "council_conflict_declared" and event.dossier_id:
        member = int(payload.get("member_id", 0))
        state.recusals.add((int(event.dossier_id), member))
        state.voted.get(int(event.dossier_id), set()).discard(member)
    elif event.action == "council_session_close":
        state.outcomes = {str(k): str(v) for k, v in (payload.get("outcomes") or {}).items()}
    return state


def council_session_as_of(
    *, session_id: int, at: dt.datetime, before_event: int | None = None
) -> SessionAsOf:
    """The session at `at` (or just before ledger event `before_event`, if given)."""
    events = events_as_of(at=at, where=Q(chain=council_chain(session_id)))
    if before_event is not None:
        events = events.filter(id__lt=before_event)
    return fold(events=events, initial=SessionAsOf(session_id=session_id), step=_session_step)


@dataclass
class BallotMoment:
    """One ballot of a member and what the ledger says she had before her when she cast it."""

    event: AuditEvent
    session: SessionAsOf  # just before her ballot
    dossier: DossierAsOf  # the dossier as recorded at that moment

    @property
    def ballots_before(self) -> int:
        """Ballots already on this dossier (hers included, if she was changing it)."""
        return self.session.ballots_on(int(self.event.dossier_id or 0))


def member_ballots_as_of(*, session_id: int, member_id: int, at: dt.datetime) -> list[BallotMoment]:
    """What did this member see when she voted? Her ballots up to `at`, each with the session and the
    dossier as the ledger recorded them at that moment (the choice itself is not in the ledger)."""
    ballots = events_as_of(
        at=at,
        where=Q(chain=council_chain(session_id))
        & Q(action__in=["council_ballot_cast", "council_ballot_written"])
        & Q(payload__member_id=member_id),
    )
    moments = []
    for event in ballots:
        moments.append(
            BallotMoment(
                event=event,
                session=council_session_as_of(session_id=session_id, at=event.at, before_event=event.pk),
                dossier=dossier_as_of(dossier_id=int(event.dossier_id or 0), at=event.at),
            )
        )
    return moments


# --- a user's inbox -------------------------------------------------------------------------------

# Written on the dossier's chain by claim, release and reassign when they are recorded (payload:
# {"task": step, "owner_id": user id or None}); until then an open task counts as its queue's.
TASK_HOLDER_ACTIONS = ("task_claim", "task_release", "task_reassign")
ROLE_MODEL = "nominations.RoleAssignment"


def role_rows_as_of(*, user_id: int, at: dt.datetime) -> list[tuple[int, str, int | None]]:
    """(authority_id, role, unit_id) of the user's active role assignments at `at`: today's rows with
    every later configuration change (create, change, delete, all in the ledger) undone."""
    from nominations.models import RoleAssignment

    rows: dict[int, dict[str, Any]] = {
        r["id"]: dict(r)
        for r in RoleAssignment.objects.filter(user_id=user_id).values(
            "id", "user", "authority", "role", "unit", "active"
        )
    }
    later = AuditEvent.objects.filter(
        at__gt=at,
        action__in=["config_create", "config_change", "config_delete"],
        payload__model=ROLE_MODEL,
    ).order_by("-id")
    for event in later:
        payload = event.payload or {}
        pk = payload.get("object_id")
        if not isinstance(pk, int):
            continue
        if event.action == "config_create":
            rows.pop(pk, None)
        elif event.action == "config_delete":
            before = payload.get("before") or {}
            if before.get("user") == user_id:
                rows[pk] = {"id": pk, **before}
        elif pk in rows:
            for name, change in (payload.get("changes") or {}).items():
                if isinstance(change, dict) and "before" in change:
                    rows[pk][name] = change["before"]
            if rows[pk].get("user") != user_id:
                rows.pop(pk)
        elif any(
            isinstance(c, dict) and c.get("before") == user_id
            for n, c in (payload.get("changes") or {}).items()
            if n == "user"
        ):
            # moved away from this user since: it was theirs at `at` (the other fields as they are now)
            current = (
                RoleAssignment.objects.filter(pk=pk).values("authority", "role", "unit", "active").first()
            )
            if current:
                rows[pk] = {"id": pk, "user": user_id, **current}
                for name, change in (payload.get("changes") or {}).items():
                    if isinstance(change, dict) and "before" in change:
                        rows[pk][name] = change["before"]
    return [
        (int(r["authority"]), str(r["role"]), int(r["unit"]) if r.get("unit") else None)
        for r in rows.values()
        if r.get("active") and r.get("authority")
    ]


def queue_tokens_as_of(*, user_id: int, at: dt.datetime) -> frozenset[str]:
    """The queues the user worked at `at` (the same rule as flows.queue_tokens, on the roles then)."""
    from .flows import tokens_of_roles

    return tokens_of_roles(role_rows_as_of(user_id=user_id, at=at))


@dataclass
class InboxTask:
    dossier_id: int
    nominee: str
    status: str
    step: str
    queue: str
    since: dt.datetime | None
    holder_id: int | None = None

    @property
    def held(self) -> bool:
        return self.holder_id is not None


@dataclass
class InboxAsOf:
    user_id: int
    queues: frozenset[str]
    tasks: list[InboxTask] = field(default_factory=list)

    @property
    def mine(self) -> list[InboxTask]:
        return [t for t in self.tasks if t.holder_id == self.user_id]

    @property
    def in_queues(self) -> list[InboxTask]:
        return [t for t in self.tasks if t.holder_id is None]


def inbox_as_of(*, user_id: int, at: dt.datetime) -> InboxAsOf:
    """The tasks in the user's inbox at `at`: each dossier's open task follows from its status then
    (the ledger's last move), in the queue of that step; it is the user's if she held it then, or
    waiting in one of the queues she worked then."""
    from nominations.models import Dossier

    from .flows import queue_token, step_for

    queues = queue_tokens_as_of(user_id=user_id, at=at)
    inbox = InboxAsOf(user_id=user_id, queues=queues)
    # Each dossier's last move (and its moment) at `at`, then who held its task since that move.
    moves: dict[int, tuple[str, dt.datetime]] = {}
    holders: dict[int, int | None] = {}
    where = Q(dossier_id__isnull=False) & (~Q(to_state="") | Q(action__in=TASK_HOLDER_ACTIONS))
    for dossier_id, action, from_state, to_state, moment, payload in events_as_of(
        at=at, where=where
    ).values_list("dossier_id", "action", "from_state", "to_state", "at", "payload"):
        if dossier_id is None:
            continue
        if action in TASK_HOLDER_ACTIONS:
            owner = (payload or {}).get("owner_id") if action != "task_release" else None
            holders[dossier_id] = int(owner) if owner else None
        elif to_state != from_state or dossier_id not in moves:
            moves[dossier_id] = (to_state, moment)
            holders.pop(dossier_id, None)  # a move ends the task; the next one starts unheld
    dossiers = Dossier.objects.filter(pk__in=list(moves)).select_related("award_type", "nominee")
    for d in dossiers.order_by("pk"):
        status, since = moves[d.pk]
        step = step_for(status, commune_decided=d.award_type.is_commune_decided)
        if step is None:
            continue
        token = queue_token(step, authority_id=d.authority_id, unit_id=d.unit_id)
        holder = holders.get(d.pk)
        if holder == user_id or (holder is None and token in queues):
            inbox.tasks.append(
                InboxTask(
                    dossier_id=d.pk,
                    nominee=d.nominee.name,
                    status=status,
                    step=step,
                    queue=token,
                    since=since,
                    holder_id=holder,
                )
            )
    return inbox
