"""Time travel: any state the ledger describes, rebuilt as it stood at a past moment.

Everything here folds events (oldest first) that happened at or before `at`; nothing reads the
current rows, so the answer is what the ledger proves, not what the tables say now. New kinds of state
(a council session, a user's inbox) are one more reducer over `events_as_of(...)`.
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
