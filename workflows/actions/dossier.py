"""One function per user action on a dossier (DESIGN.md "An action, end to end").

Each runs in one transaction: lock the dossier row, check role and unit scope, check the expected
version, check the FSM guard (and say why not), move, bump the version, append to the ledger, write
the notifications for whoever must act next. Nothing else writes a dossier's status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from nominations import rules
from nominations.models import (
    AwardType,
    ContentArea,
    CouncilOutcome,
    CouncilTally,
    CriteriaGroup,
    Dossier,
    Nominee,
    Occasion,
    QuotaLedger,
    Role,
    RoleAssignment,
    SlaStep,
    Unit,
)
from nominations.quotas import QuotaFull, quota_for, quota_seat_release, quota_seat_take
from nominations.states import DossierStatus, blocking_reasons
from notifications.services import notify

from ..canonical import canonical_bytes, sha256_hex
from ..errors import ActionError, not_allowed, not_found
from ..flows import DossierContent, after_dossier_change, dossier_content
from ..ledger import ledger_append
from ..models import IdempotencyRecord
from ..permissions import may_act, role_rows_once, roles_of
from ..selectors import dossier_scope

S = DossierStatus

# The step whose deadline starts when a dossier enters a state.
SLA_BY_STATE = {
    S.SUBMITTED: SlaStep.RECEIVE,
    S.RETURNED: SlaStep.RESUBMIT,
    S.RECEIVED: SlaStep.APPRAISE,
    S.APPRAISED: SlaStep.AGENDA,
    S.ON_AGENDA: SlaStep.COUNCIL,
    S.COUNCIL_APPROVED: SlaStep.PREPARE_DECISION,
    S.DECISION_PREPARED: SlaStep.SIGN,
    S.SIGNED: SlaStep.FORWARD,
    S.PROVINCE_RETURNED: SlaStep.FORWARD,
}

EDITABLE_FIELDS = ("achievement_summary", "criteria_group_id", "content_area_ids")


# --- small shared pieces --------------------------------------------------------------------------


def content_hash(dossier: Dossier, content: DossierContent | None = None) -> str:
    """Hash of what a user sees of the dossier: recorded with each event as "what the actor saw".

    `content` is the dossier's content areas and attachments if the caller already read them."""
    if content is None:
        attachments = list(
            dossier.attachments.filter(removed_in_version__isnull=True)
            .order_by("id")
            .values_list("sha256", flat=True)
        )
        areas = sorted(dossier.content_areas.values_list("number", flat=True))
    else:
        attachments = [a.sha256 for a in content.attachments]
        areas = sorted(a.number for a in content.areas)
    return sha256_hex(
        canonical_bytes(
            {
                "id": dossier.pk,
                "version": dossier.version,
                "status": str(dossier.status),
                "nominee": dossier.nominee_id,
                "award_type": dossier.award_type_id,
                "occasion": dossier.occasion_id,
                "summary": dossier.achievement_summary,
                "criteria_group": dossier.criteria_group_id,
                "content_areas": areas,
                "attachments": attachments,
            }
        )
    )


def users_with_roles(authority_id: int, roles: Iterable[str], *, unit_id: int | None = None) -> list[int]:
    qs = RoleAssignment.objects.filter(
        authority_id=authority_id, role__in=list(roles), active=True, user__is_active=True
    )
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return list(qs.values_list("user_id", flat=True).distinct())


def _lock(actor: Any, dossier_id: int) -> Dossier:
    # One row by primary key: no ORDER BY (first() would sort by the model's default ordering).
    found = list(
        Dossier.objects.select_for_update(of=("self",))
        # Not the criteria group nor the unit (moves use unit_id only): each joined table adds to
        # PostgreSQL's planning time of this statement; dossier_content() loads the criteria group.
        .select_related("occasion", "award_type", "nominee")
        .filter(dossier_scope(actor), pk=dossier_id)
        .order_by()[:1]
    )
    if not found:
        raise not_found()
    return found[0]


def _check_version(dossier: Dossier, expected_version: int) -> None:
    if expected_version != dossier.version:
        raise ActionError(
            "stale_version",
            _(
                "This dossier was changed by someone else (now version %(current)s, your form showed "
                "version %(yours)s). Reload it and try again."
            )
            % {"current": dossier.version, "yours": expected_version},
            details={"current_version": dossier.version},
        )


def _check_transition(dossier: Dossier, transition: str) -> None:
    method = getattr(dossier, transition)
    if not can_proceed(method):
        reasons = blocking_reasons(dossier, transition)
        raise ActionError("invalid_transition", " ".join(reasons), details={"reasons": reasons})


def _replayed(actor: Any, key: str | None, dossier_id: int) -> Dossier | None:
    if not key:
        return None
    rec = IdempotencyRecord.objects.filter(actor=actor, key=key).first()
    if rec is None:
        return None
    if rec.dossier_id != dossier_id:
        raise ActionError("conflict", _("This request key was already used for another dossier."))
    return Dossier.objects.select_related("occasion", "award_type", "unit", "nominee").get(pk=dossier_id)


def _set_due(dossier: Dossier) -> None:
    step = SLA_BY_STATE.get(dossier.status)
    today = timezone.localdate()
    dossier.due_on = rules.due_date(dossier.authority_id, step, today) if step else None


@dataclass
class Move:
    action: str  # permission name (permissions.ACTION_ROLES)
    transition: str  # FSM method name
    notify_roles: tuple[str, ...] = ()
    notify_unit: bool = False  # the proposers of the dossier's unit
    kind: str = "dossier"
    title: str = ""


def _perform(
    *,
    actor: Any,
    dossier_id: int,
    expected_version: int,
    move: Move,
    idempotency_key: str | None = None,
    payload: dict[str, Any] | None = None,
    before: Callable[[Dossier, dict[str, Any]], None] | None = None,
    after: Callable[[Dossier, dict[str, Any]], None] | None = None,
    extra_fields: tuple[str, ...] = (),
) -> Dossier:
    payload = dict(payload or {})
    with role_rows_once(), transaction.atomic():
        dossier = _lock(actor, dossier_id)
        replay = _replayed(actor, idempotency_key, dossier_id)
        if replay is not None:
            return replay
        if not may_act(actor, move.action, authority_id=dossier.authority_id, unit_id=dossier.unit_id):
            raise not_allowed()
        _check_version(dossier, expected_version)
        _check_transition(dossier, move.transition)
        content = dossier_content(dossier)  # a move changes neither content areas nor attachments
        seen = content_hash(dossier, content)
        from_state = str(dossier.status)
        if before:
            before(dossier, payload)
        result = getattr(dossier, move.transition)()
        del result
        if dossier.status in SLA_BY_STATE or from_state in SLA_BY_STATE:
            _set_due(dossier)
        if after:
            after(dossier, payload)
        dossier.version += 1
        dossier.save(update_fields=["status", "version", "updated_at", "due_on", "held_from", *extra_fields])
        ledger_append(
            actor=actor,
            action=move.transition,
            dossier=dossier,
            from_state=from_state,
            to_state=str(dossier.status),
            payload=payload,
            seen_hash=seen,
        )
        after_dossier_change(actor=actor, dossier=dossier, action=move.transition, content=content)
        _notify_move(actor, dossier, move, payload)
        if idempotency_key:
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        actor=actor,
                        key=idempotency_key,
                        action=move.transition,
                        dossier_id=dossier.pk,
                        result_version=dossier.version,
                    )
            except IntegrityError as exc:
                raise ActionError("conflict", _("This request was already sent.")) from exc
    return dossier


def _notify_move(actor: Any, dossier: Dossier, move: Move, payload: dict[str, Any]) -> None:
    recipients: set[int] = set()
    if move.notify_roles:
        recipients.update(users_with_roles(dossier.authority_id, move.notify_roles))
    if move.notify_unit:
        recipients.update(users_with_roles(dossier.authority_id, [Role.PROPOSER], unit_id=dossier.unit_id))
    recipients.discard(actor.pk)
    if not recipients:
        return
    status_label = DossierStatus(dossier.status).label
    body = payload.get("reason") or ""
    notify(
        recipients=sorted(recipients),
        kind=move.kind,
        title=move.title
        or _("%(nominee)s: %(status)s") % {"nominee": dossier.nominee.name, "status": status_label},
        body=str(body),
        url=f"/dossiers/{dossier.pk}/",
        data={"dossier_id": dossier.pk, "status": str(dossier.status), "version": dossier.version},
    )


def _release_seat(dossier: Dossier, payload: dict[str, Any]) -> None:
    seat = getattr(dossier, "quota_seat", None) if hasattr(dossier, "quota_seat") else None
    quota_id = seat.quota_id if seat is not None else None
    if quota_seat_release(dossier=dossier) and quota_id is not None:
        payload["quota"] = {"id": quota_id, "delta": -1}


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("validation_error", _("Please give a reason."), details={"field": "reason"})
    return reason


# --- create and edit ------------------------------------------------------------------------------


def _validate_links(
    *, unit: Unit, occasion: Occasion, award_type: AwardType, nominee: Nominee, criteria_group_id: int | None
) -> None:
    errors: dict[str, str] = {}
    if occasion.movement.authority_id != unit.authority_id:
        errors["occasion_id"] = _("This occasion belongs to another authority.")
    if award_type.authority_id != unit.authority_id:
        errors["award_type_id"] = _("This award type belongs to another authority.")
    if nominee.unit_id != unit.pk:
        errors["nominee_id"] = _("The nominee does not belong to this unit.")
    elif not award_type.allows(nominee.kind):
        errors["award_type_id"] = _("This award type does not accept this kind of nominee.")
    if (
        criteria_group_id
        and not CriteriaGroup.objects.filter(pk=criteria_group_id, movement=occasion.movement_id).exists()
    ):
        errors["criteria_group_id"] = _("Unknown criteria group.")
    if errors:
        raise ActionError("validation_error", " ".join(errors.values()), details={"fields": errors})


def _content_areas(ids: Iterable[int], movement_id: int) -> list[ContentArea]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    areas = list(ContentArea.objects.filter(pk__in=ids, movement_id=movement_id))
    if len(areas) != len(ids):
        raise ActionError(
            "validation_error", _("Unknown content area."), details={"field": "content_area_ids"}
        )
    return areas


def dossier_create(
    *,
    actor: Any,
    unit_id: int,
    occasion_id: int,
    award_type_id: int,
    nominee_id: int,
    achievement_summary: str = "",
    content_area_ids: Iterable[int] = (),
    criteria_group_id: int | None = None,
) -> Dossier:
    with transaction.atomic():
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit is None or not may_act(actor, "create", authority_id=unit.authority_id, unit_id=unit.pk):
            raise not_allowed()
        occasion = Occasion.objects.select_related("movement").filter(pk=occasion_id).first()
        award_type = AwardType.objects.filter(pk=award_type_id).first()
        nominee = Nominee.objects.filter(pk=nominee_id).first()
        if occasion is None or award_type is None or nominee is None:
            raise ActionError("validation_error", _("Choose an occasion, an award type and a nominee."))
        _validate_links(
            unit=unit,
            occasion=occasion,
            award_type=award_type,
            nominee=nominee,
            criteria_group_id=criteria_group_id,
        )
        areas = _content_areas(content_area_ids, occasion.movement_id)
        dossier = Dossier(
            authority_id=unit.authority_id,
            occasion=occasion,
            award_type=award_type,
            unit=unit,
            nominee=nominee,
            nominee_kind=nominee.kind,
            achievement_summary=(achievement_summary or "").strip(),
            criteria_group_id=criteria_group_id or unit.criteria_group_id,
            created_by=actor,
        )
        try:
            with transaction.atomic():
                dossier.save()
        except IntegrityError as exc:
            raise ActionError(
                "conflict", _("This nominee already has a live dossier for this occasion and award type.")
            ) from exc
        dossier.content_areas.set(areas)
        ledger_append(
            actor=actor,
            action="create",
            dossier=dossier,
            to_state=str(dossier.status),
            payload={"award_type": award_type.code, "occasion": occasion.code, "nominee": nominee.name},
            seen_hash=content_hash(dossier),
        )
        after_dossier_change(actor=actor, dossier=dossier, action="create")
    return dossier


def dossier_update(*, actor: Any, dossier_id: int, expected_version: int, changes: dict[str, Any]) -> Dossier:
    """Edit a draft or returned dossier's content. Unknown fields are refused, not ignored."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(
            "validation_error", _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        dossier = _lock(actor, dossier_id)
        if not may_act(actor, "update", authority_id=dossier.authority_id, unit_id=dossier.unit_id):
            raise not_allowed()
        _check_version(dossier, expected_version)
        if dossier.status not in (S.DRAFT, S.RETURNED):
            raise ActionError("invalid_transition", _("Only a draft or a returned dossier can be edited."))
        seen = content_hash(dossier)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        if "achievement_summary" in changes:
            new = str(changes["achievement_summary"] or "").strip()
            if new != dossier.achievement_summary:
                before["achievement_summary"], after["achievement_summary"] = dossier.achievement_summary, new
                dossier.achievement_summary = new
        if "criteria_group_id" in changes:
            new_cg = changes["criteria_group_id"] or None
            if (
                new_cg
                and not CriteriaGroup.objects.filter(
                    pk=new_cg, movement=dossier.occasion.movement_id
                ).exists()
            ):
                raise ActionError("validation_error", _("Unknown criteria group."))
            if new_cg != dossier.criteria_group_id:
                before["criteria_group_id"], after["criteria_group_id"] = dossier.criteria_group_id, new_cg
                dossier.criteria_group_id = new_cg
        if "content_area_ids" in changes:
            areas = _content_areas(changes["content_area_ids"] or [], dossier.occasion.movement_id)
            old = sorted(dossier.content_areas.values_list("pk", flat=True))
            new_ids = sorted(a.pk for a in areas)
            if old != new_ids:
                before["content_area_ids"], after["content_area_ids"] = old, new_ids
                dossier.content_areas.set(areas)
        if not after:
            return dossier
        dossier.version += 1
        dossier.save(update_fields=["achievement_summary", "criteria_group", "version", "updated_at"])
        ledger_append(
            actor=actor,
            action="update",
            dossier=dossier,
            from_state=str(dossier.status),
            to_state=str(dossier.status),
            payload={"before": before, "after": after},
            seen_hash=seen,
        )
        after_dossier_change(actor=actor, dossier=dossier, action="update")
    return dossier


# --- moves ----------------------------------------------------------------------------------------

OFFICE = (Role.REVIEWER, Role.OFFICE_HEAD)


def dossier_submit(
    *, actor: Any, dossier_id: int, expected_version: int, idempotency_key: str | None = None, note: str = ""
) -> Dossier:
    """Submit a draft, or resubmit a returned dossier, to the office."""
    current = Dossier.objects.filter(pk=dossier_id).values_list("status", flat=True).first()
    transition = "resubmit" if current == S.RETURNED else "submit"

    def stamp(d: Dossier, payload: dict[str, Any]) -> None:
        d.submitted_at = timezone.now()
        if transition == "resubmit":
            d.return_reason = ""

    return _perform(
        actor=actor,
        dossier_id=dossier_id,
        expected_version=expected_version,
        move=Move(
            "submit" if transition == "submit" else "resubmit", transition, OFFICE, kind="task_waiting"
        ),
        idempotency_key=idempotency_key,
        payload={"note": note} if note else None,
        after=stamp,
        extra_fields=("submitted_at", "return_reason"),
    )


def dossier_return(
    *,
    actor: Any,
    dossier_id: int,
    expected_version: int,
    reason: str,
    field_notes: dict[str, str] | None = None,
    idempotency_key: str | None = None,
) -> Dossier:
    reason = _require_reason(reason)
    notes = {str(k): str(v).strip() for k, v in (field_notes or {}).items() if str(v).strip()}

    def keep_reason(d: Dossier, payload: dict[str, Any]) -> None:
        d.return_reason = reason

    return _perform(
        actor=actor,
        dossier_id=dossier_id,
        expected_version=expected_version,
        move=Move(
            "return_for_supplement", "return_for_supplement", notify_unit=True, kind="dossier_returned"
        ),
        idempotency_key=idempotency_key,
        payload={"reason": reason, "field_notes": notes},
        after=keep_reason,
        extra_fields=("return_reason",),
    )


def dossier_receive(
    *, actor: Any, dossier_id: int, expected_version: int, idempotency_key: str | None = None, note: str = ""
) -> Dossier:
    """The office accepts a complete dossier: the appraisal clock starts."""

    def stamp(d: Dossier, payload: dict[str, Any]) -> None:
        d.received_at = timezone.now()

    return _perform(
        actor=actor,
        dossier_id=dossier_id,
        expected_version=expected_version,
        move=Move("receive", "receive", notify_unit=True),
        idempotency_key=idempotency_key,
        payload={"note": note} if note else None,
        after=stamp,
        extra_fields=("received_at",),
    )


def _simple(
    action: str,
    transition: str,
    *,
    roles: tuple[str, ...] = (),
    unit: bool = False,
    kind: str = "dossier",
    before: Callable[[Dossier, dict[str, Any]], None] | None = None,
):
    """A move that takes only an optional note (and, for some, gives back the quota seat first)."""

    def run(
        *,
        actor: Any,
        dossier_id: int,
        expected_version: int,
        idempotency_key: str | None = None,
        note: str = "",
    ) -> Dossier:
        return _perform(
            actor=actor,
            dossier_id=dossier_id,
            expected_version=expected_version,
            move=Move(action, transition, roles, unit, kind),
            idempotency_key=idempotency_key,
            payload={"note": note} if note else None,
            before=before,
        )

    run.__name__ = f"dossier_{transition}"
    return run


dossier_appraise = _simple("appraise", "appraise", roles=OFFICE, kind="task_waiting")
dossier_put_on_agenda = _simple(
    "put_on_agenda", "put_on_agenda", roles=(Role.SECRETARY,), kind="task_waiting"
)
dossier_prepare_decision = _simple(
    "prepare_decision", "prepare_decision", roles=(Role.CHAIR,), kind="task_waiting"
)
dossier_release_hold = _simple("release_hold", "release_hold", roles=OFFICE, unit=True)


# The chair's per-dossier signature; the decision-level signature with step-up auth lives in
# actions.documents and calls this for each dossier.
dossier_sign = _simple("sign", "sign", roles=(Role.CLERK, *OFFICE), unit=True, kind="decision_signed")
dossier_submit_to_province = _simple("submit_to_province", "submit_to_province", unit=True)
dossier_withdraw = _simple("withdraw", "withdraw", roles=OFFICE, before=_release_seat)


def _closing_with_reason(action: str, *, roles: tuple[str, ...] = ()):
    """A move that needs a reason, keeps it as the outcome note and gives back the quota seat."""

    def run(
        *, actor: Any, dossier_id: int, expected_version: int, reason: str, idempotency_key: str | None = None
    ) -> Dossier:
        reason = _require_reason(reason)

        def keep(d: Dossier, payload: dict[str, Any]) -> None:
            d.outcome_note = reason

        return _perform(
            actor=actor,
            dossier_id=dossier_id,
            expected_version=expected_version,
            move=Move(action, action, roles, True),
            idempotency_key=idempotency_key,
            payload={"reason": reason},
            before=_release_seat,
            after=keep,
            extra_fields=("outcome_note",),
        )

    run.__name__ = f"dossier_{action}"
    return run


dossier_mark_ineligible = _closing_with_reason("mark_ineligible")
dossier_revoke = _closing_with_reason("revoke", roles=OFFICE)


def dossier_hold(
    *, actor: Any, dossier_id: int, expected_version: int, reason: str, idempotency_key: str | None = None
) -> Dossier:
    """Put on hold (nominee under discipline, inspection or complaint): award law forbids awarding then."""
    reason = _require_reason(reason)
    return _perform(
        actor=actor,
        dossier_id=dossier_id,
        expected_version=expected_version,
        move=Move("hold", "hold", notify_unit=True),
        idempotency_key=idempotency_key,
        payload={"reason": reason},
    )


def dossier_award(
    *,
    actor: Any,
    dossier_id: int,
    expected_version: int,
    decision_number: str = "",
    golden_book_number: str = "",
    reward_amount: int | None = None,
    idempotency_key: str | None = None,
) -> Dossier:
    """A signed commune-level decision takes effect for this dossier."""
    decision_number = (decision_number or "").strip()
    if not decision_number:
        raise ActionError(
            "validation_error", _("The decision number is required."), details={"field": "decision_number"}
        )

    def amount(d: Dossier, payload: dict[str, Any]) -> None:
        value = reward_amount
        if value is None:
            value = rules.reward_amount(d.award_type, d.nominee_kind, timezone.localdate())
        payload["reward_amount"] = int(value)

    return _perform(
        actor=actor,
        dossier_id=dossier_id,
        expected_version=expected_version,
        move=Move("award", "award", (), True, "decision_signed"),
        idempotency_key=idempotency_key,
        payload={"decision_number": decision_number, "golden_book_number": golden_book_number},
        before=amount,
    )


PROVINCE_RESULTS = {
    "approved": "province_approve",
    "returned": "province_return",
    "rejected": "province_reject",
}


def dossier_province_result(
    *,
    actor: Any,
    dossier_id: int,
    expected_version: int,
    result: str,
    decision_number: str = "",
    decided_on: dt.date | None = None,
    reason: str = "",
    idempotency_key: str | None = None,
) -> Dossier:
    transition = PROVINCE_RESULTS.get(result)
    if transition is None:
        raise ActionError("validation_error", _("Unknown province result."), details={"field": "result"})
    payload: dict[str, Any] = {"result": result}
    if result == "approved":
        if not decision_number.strip():
            raise ActionError(
                "validation_error",
                _("The province's decision number is required."),
                details={"field": "decision_number"},
            )
        payload.update(
            decision_number=decision_number.strip(), decided_on=decided_on.isoformat() if decided_on else ""
        )
    else:
        payload["reason"] = _require_reason(reason)

    def keep(d: Dossier, p: dict[str, Any]) -> None:
        d.outcome_note = p.get("reason", "") or p.get("decision_number", "")

    return _perform(
        actor=actor,
        dossier_id=dossier_id,
        expected_version=expected_version,
        move=Move("province_result", transition, OFFICE, True, "province_result"),
        idempotency_key=idempotency_key,
        payload=payload,
        before=_release_seat if result == "rejected" else None,
        after=keep,
        extra_fields=("outcome_note",),
    )


# --- the council's result (paper tally or in-app ballots) ----------------------------------------


@dataclass
class _Counted:
    dossier: Dossier
    tally: dict[str, int]
    passed: bool
    outcome: str = ""
    reason: str = ""


def _council_members(authority_id: int) -> int:
    return (
        RoleAssignment.objects.filter(authority_id=authority_id, role=Role.COUNCIL_MEMBER, active=True)
        .values("user_id")
        .distinct()
        .count()
    )


def _check_tally(t: dict[str, Any], members_all: int) -> dict[str, int]:
    try:
        counts = {k: int(t[k]) for k in ("issued", "returned", "valid", "agreeing")}
    except (KeyError, TypeError, ValueError) as exc:
        raise ActionError(
            "validation_error", _("Each vote count needs ballots issued, returned, valid and agreeing.")
        ) from exc
    if min(counts.values()) < 0:
        raise ActionError("validation_error", _("Vote counts cannot be negative."))
    if counts["issued"] > members_all:
        raise ActionError("validation_error", _("More ballots issued than council members."))
    if not counts["agreeing"] <= counts["valid"] <= counts["returned"] <= counts["issued"]:
        raise ActionError(
            "validation_error",
            _("Impossible count: agreeing ≤ valid ≤ returned ≤ issued must hold."),
        )
    return counts


def _rank_key(c: _Counted) -> tuple[int, int, int]:
    # More agreeing votes first; on a tie prefer women / collectives with ≥ 70% women (Decree 152/2025 art. 4).
    return (-c.tally["agreeing"], 0 if c.dossier.nominee.tie_preferred else 1, c.dossier.pk)


def council_result_record(
    *,
    actor: Any,
    authority_id: int,
    members_present: int,
    tallies: list[dict[str, Any]],
    held_on: dt.date | None = None,
    session_ref: str = "",
    decides_awards: bool = True,
) -> list[dict[str, Any]]:
    """Record the council's count for the dossiers on its agenda; take seats; rank when over quota."""
    if not roles_of(actor, authority_id).has(Role.SECRETARY):
        raise not_allowed()
    if not tallies:
        raise ActionError("validation_error", _("No dossier in the count."))
    held_on = held_on or timezone.localdate()
    with transaction.atomic():
        members_all = _council_members(authority_id)
        if members_present < 0 or members_present > members_all:
            raise ActionError(
                "validation_error",
                _("Members present (%(p)s) cannot exceed the council's %(n)s members.")
                % {"p": members_present, "n": members_all},
            )
        rule = rules.council_rule_on(authority_id, held_on)
        quorum = rule.award_quorum_percent if decides_awards else rule.quorum_percent
        if not rules.quorum_met(members_present, members_all, quorum):
            raise ActionError(
                "validation_error",
                _("No quorum: %(p)s of %(n)s members present, %(q)s%% required.")
                % {"p": members_present, "n": members_all, "q": quorum},
            )
        ids = sorted({int(t["dossier_id"]) for t in tallies if "dossier_id" in t})
        if len(ids) != len(tallies):
            raise ActionError("validation_error", _("Each dossier may be counted once."))
        locked = {
            d.pk: d
            for d in Dossier.objects.select_for_update(of=("self",))
            .select_related("award_type", "nominee", "unit", "occasion")
            .filter(dossier_scope(actor), pk__in=ids, authority_id=authority_id)
            .order_by("pk")
        }
        if len(locked) != len(ids):
            raise not_found()
        counted: list[_Counted] = []
        for t in tallies:
            d = locked[int(t["dossier_id"])]
            if "expected_version" in t and t["expected_version"] is not None:
                _check_version(d, int(t["expected_version"]))
            if d.status != S.ON_AGENDA:
                raise ActionError(
                    "invalid_transition",
                    _("%(nominee)s is not on the council agenda.") % {"nominee": d.nominee.name},
                )
            counts = _check_tally(t, members_all)
            passed = rules.vote_passes(counts["agreeing"], members_all, d.award_type.vote_threshold_percent)
            counted.append(_Counted(d, counts, passed))

        # Apply the quota to those that passed, per quota ledger row.
        by_quota: dict[int | None, list[_Counted]] = {}
        for c in counted:
            if not c.passed:
                c.outcome = CouncilOutcome.REJECTED
                c.reason = _("Did not reach the threshold (%(a)s of %(n)s members agreed).") % {
                    "a": c.tally["agreeing"],
                    "n": members_all,
                }
                continue
            q = quota_for(c.dossier) if c.dossier.award_type.quota_limited else None
            by_quota.setdefault(q.pk if q else None, []).append(c)
        # Quota rows are locked (in id order, so two counts cannot deadlock) before the seats left are
        # read: a count recorded at the same time waits, and the ranking never works from a stale number.
        for quota_id, group in sorted(by_quota.items(), key=lambda item: item[0] or 0):
            if quota_id is None:
                for c in group:
                    c.outcome = CouncilOutcome.APPROVED
                continue
            quota = QuotaLedger.objects.select_for_update().get(pk=quota_id)
            seats = quota.limit - quota.used
            group.sort(key=_rank_key)
            if len(group) <= seats:
                for c in group:
                    c.outcome = CouncilOutcome.APPROVED
                continue
            cut_key = _rank_key(group[seats - 1])[:2] if seats > 0 else None
            next_key = _rank_key(group[seats])[:2]
            for i, c in enumerate(group):
                key = _rank_key(c)[:2]
                if cut_key is not None and key == cut_key == next_key:
                    c.outcome = CouncilOutcome.TIE_TO_CHAIR
                    c.reason = _("Tied at the last seat of “%(quota)s”: the chair decides.") % {
                        "quota": quota
                    }
                elif i < seats:
                    c.outcome = CouncilOutcome.APPROVED
                else:
                    c.outcome = CouncilOutcome.OVER_QUOTA
                    c.reason = _(
                        "Passed, but the quota “%(quota)s” has %(seats)s seats left and dossiers with more "
                        "agreeing votes (or preferred by the tie rule) took them."
                    ) % {"quota": quota, "seats": seats}

        results = []
        for c in counted:
            _council_apply(actor, c, members_all, members_present, held_on, session_ref)
            results.append({"dossier_id": c.dossier.pk, "outcome": str(c.outcome), "reason": str(c.reason)})
    return results


def _council_apply(
    actor: Any, c: _Counted, members_all: int, members_present: int, held_on: dt.date, session_ref: str
) -> None:
    d = c.dossier
    CouncilTally.objects.create(
        dossier=d,
        recorded_by=actor,
        held_on=held_on,
        session_ref=session_ref,
        members_all=members_all,
        members_present=members_present,
        outcome=c.outcome,
        reason=str(c.reason),
        **c.tally,
    )
    payload: dict[str, Any] = {
        "tally": c.tally,
        "members_all": members_all,
        "members_present": members_present,
        "outcome": str(c.outcome),
        "session": session_ref,
    }
    if c.reason:
        payload["reason"] = str(c.reason)
    content = dossier_content(d)
    seen = content_hash(d, content)
    from_state = str(d.status)
    if c.outcome == CouncilOutcome.APPROVED:
        try:
            seat = quota_seat_take(dossier=d)
        except QuotaFull as exc:  # taken concurrently by another session's count
            raise ActionError(
                "quota_full", _("The quota “%(quota)s” is full.") % {"quota": exc.quota or d.award_type}
            ) from exc
        if seat is not None:
            payload["quota"] = {"id": seat.quota_id, "delta": 1}
            _notify_quota_level(actor, d, seat.quota_id)
        d.council_approve()
    elif c.outcome in (CouncilOutcome.REJECTED, CouncilOutcome.OVER_QUOTA):
        d.council_reject()
        d.outcome_note = str(c.reason)
    else:  # tie: stays on the agenda until the chair decides
        ledger_append(
            actor=actor,
            action="council_tie",
            dossier=d,
            from_state=from_state,
            to_state=from_state,
            payload=payload,
            seen_hash=seen,
        )
        notify(
            recipients=users_with_roles(d.authority_id, [Role.CHAIR]),
            kind="tie_to_chair",
            title=_("Tie at the quota limit: %(nominee)s") % {"nominee": d.nominee.name},
            body=str(c.reason),
            url=f"/dossiers/{d.pk}/",
            data={"dossier_id": d.pk},
        )
        return
    _set_due(d)
    d.version += 1
    d.save(update_fields=["status", "version", "updated_at", "due_on", "outcome_note"])
    ledger_append(
        actor=actor,
        action="council_record",
        dossier=d,
        from_state=from_state,
        to_state=str(d.status),
        payload=payload,
        seen_hash=seen,
    )
    after_dossier_change(
        actor=actor,
        dossier=d,
        action="council_approve" if c.outcome == CouncilOutcome.APPROVED else "council_reject",
        content=content,
    )
    _notify_move(actor, d, Move("council_record", "", OFFICE, True, "result_recorded"), payload)


QUOTA_WARNING_PERCENT = 80


def _notify_quota_level(actor: Any, dossier: Dossier, quota_id: int) -> None:
    """Tell the office and the secretary when a seat take makes a quota reach 80% or fill up."""
    quota = QuotaLedger.objects.select_related("occasion", "award_type").get(pk=quota_id)
    full = quota.used >= quota.limit
    crossed = quota.used * 100 >= QUOTA_WARNING_PERCENT * quota.limit > (quota.used - 1) * 100
    if not (full or crossed):
        return
    recipients = set(users_with_roles(dossier.authority_id, [*OFFICE, Role.SECRETARY]))
    recipients.discard(getattr(actor, "pk", None))
    if not recipients:
        return
    values = {"quota": str(quota), "used": quota.used, "limit": quota.limit}
    notify(
        recipients=sorted(recipients),
        kind="quota_full" if full else "quota_warning",
        title=(_("Quota full: %(quota)s") if full else _("Quota at 80%%: %(quota)s")) % values,
        body=_("%(used)s of %(limit)s seats used.") % values,
        url="/",
        data={"quota_id": quota.pk, "used": quota.used, "limit": quota.limit},
    )


def council_tie_break(
    *, actor: Any, chosen_ids: Iterable[int], candidate_ids: Iterable[int]
) -> list[dict[str, Any]]:
    """The chair settles a tie at the quota limit: chosen dossiers take the seats, the rest are over quota."""
    chosen = {int(i) for i in chosen_ids}
    candidates = sorted({int(i) for i in candidate_ids})
    if not chosen <= set(candidates):
        raise ActionError("validation_error", _("Choose only among the tied dossiers."))
    results = []
    with transaction.atomic():
        locked = list(
            Dossier.objects.select_for_update(of=("self",))
            .select_related("award_type", "nominee", "unit", "occasion")
            .filter(dossier_scope(actor), pk__in=candidates)
            .order_by("pk")
        )
        if len(locked) != len(candidates):
            raise not_found()
        last_tally: dict[int, CouncilTally] = {}
        for d in locked:
            if not roles_of(actor, d.authority_id).has(Role.CHAIR):
                raise not_allowed()
            last = d.council_tallies.order_by("-recorded_at", "-id").first()
            if d.status != S.ON_AGENDA or last is None or last.outcome != CouncilOutcome.TIE_TO_CHAIR:
                raise ActionError(
                    "invalid_transition",
                    _("%(nominee)s is not awaiting a tie decision.") % {"nominee": d.nominee.name},
                )
            last_tally[d.pk] = last
        for d in locked:
            last = last_tally[d.pk]
            tally = {k: getattr(last, k) for k in ("issued", "returned", "valid", "agreeing")}
            outcome = CouncilOutcome.APPROVED if d.pk in chosen else CouncilOutcome.OVER_QUOTA
            reason = "" if d.pk in chosen else _("Over quota after the chair's decision on the tie.")
            c = _Counted(d, tally, True, outcome, reason)
            _council_apply(actor, c, last.members_all, last.members_present, last.held_on, "chair-tie-break")
            results.append({"dossier_id": d.pk, "outcome": str(outcome), "reason": str(reason)})
    return results
