"""JSON API under /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

Thin: parse, call exactly one action or selector, render. Errors are JSON with a machine-readable
code and a message in the user's language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from nominations.models import QuotaLedger
from nominations.selectors import authorities_for
from nominations.states import DossierStatus

from . import actions
from .api_errors import ERRORS
from .council_api import router as council_router
from .document_api import router as documents_router
from .errors import ActionError
from .models import ApiToken, AuditEvent
from .selectors import dossier_for, dossiers_visible_to


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        digest = hashlib.sha256(token.encode()).hexdigest()
        row = ApiToken.objects.select_related("user").filter(key_hash=digest, revoked=False).first()
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="thidua API",
    version="1",
    urls_namespace="api-v1",
    auth=[SessionAuth(), TokenAuth()],
    docs_url=None,  # the docs page loads its JS from a CDN; the OpenAPI document is enough here
)


@api.exception_handler(ActionError)
def on_action_error(request: HttpRequest, exc: ActionError):
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    body = {
        "code": "validation_error",
        "message": _("The request is not valid."),
        "details": {"errors": exc.errors},
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError):
    body = {"code": "not_authenticated", "message": _("Please log in."), "details": {}}
    return api.create_response(request, body, status=401)


# --- schemas ----------------------------------------------------------------------------------------


class DossierOut(Schema):
    id: int
    status: str
    status_label: str
    version: int
    occasion: str
    award_type: str
    unit: str
    unit_id: int
    nominee: str
    nominee_kind: str
    achievement_summary: str
    due_on: dt.date | None
    updated_at: dt.datetime

    @staticmethod
    def of(d: Any) -> dict[str, Any]:
        return {
            "id": d.pk,
            "status": str(d.status),
            "status_label": str(DossierStatus(d.status).label),
            "version": d.version,
            "occasion": d.occasion.code,
            "award_type": d.award_type.code,
            "unit": d.unit.name,
            "unit_id": d.unit_id,
            "nominee": d.nominee.name,
            "nominee_kind": d.nominee_kind,
            "achievement_summary": d.achievement_summary,
            "due_on": d.due_on,
            "updated_at": d.updated_at,
        }


class DossierPage(Schema):
    items: list[DossierOut]
    next_after: int | None


class DossierIn(Schema):
    unit_id: int
    occasion_id: int
    award_type_id: int
    nominee_id: int
    achievement_summary: str = ""
    content_area_ids: list[int] = []
    criteria_group_id: int | None = None


class DossierPatch(Schema):
    expected_version: int
    achievement_summary: str | None = None
    criteria_group_id: int | None = None
    content_area_ids: list[int] | None = None


class ActionIn(Schema):
    expected_version: int
    reason: str = ""
    note: str = ""
    field_notes: dict[str, str] | None = None
    decision_number: str = ""
    golden_book_number: str = ""
    result: str = ""
    decided_on: dt.date | None = None


class TallyIn(Schema):
    dossier_id: int
    issued: int
    returned: int
    valid: int
    agreeing: int
    expected_version: int | None = None


class CouncilResultIn(Schema):
    authority_id: int
    members_present: int
    held_on: dt.date | None = None
    session_ref: str = ""
    decides_awards: bool = True
    tallies: list[TallyIn]


class CouncilResultOut(Schema):
    dossier_id: int
    outcome: str
    reason: str


class QuotaOut(Schema):
    id: int
    occasion: str
    award_type: str
    nominee_kind: str
    limit: int
    used: int
    remaining: int


class EventOut(Schema):
    seq: int
    at: dt.datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    payload: dict[str, Any]
    hash: str


router = Router(tags=["dossiers"])
PAGE_MAX = 100


@router.get("/dossiers", response={200: DossierPage, **ERRORS})
def list_dossiers(
    request: HttpRequest,
    status: str | None = None,
    occasion: str | None = None,
    after: int | None = None,
    limit: int = 50,
):
    """Dossiers in the caller's scope, newest id first; keyset pagination with `after`."""
    limit = max(1, min(limit, PAGE_MAX))
    qs = dossiers_visible_to(request.user).order_by("-id")
    if status:
        qs = qs.filter(status=status)
    if occasion:
        qs = qs.filter(occasion__code=occasion)
    if after:
        qs = qs.filter(id__lt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [DossierOut.of(d) for d in rows], "next_after": rows[-1].pk if more and rows else None}


@router.post("/dossiers", response={201: DossierOut, **ERRORS})
def create_dossier(request: HttpRequest, payload: DossierIn):
    d = actions.dossier_create(actor=request.user, **payload.dict())
    return 201, DossierOut.of(dossier_for(request.user, d.pk))


@router.get("/dossiers/{dossier_id}", response={200: DossierOut, **ERRORS})
def get_dossier(request: HttpRequest, dossier_id: int):
    return DossierOut.of(dossier_for(request.user, dossier_id))


@router.patch("/dossiers/{dossier_id}", response={200: DossierOut, **ERRORS})
def update_dossier(request: HttpRequest, dossier_id: int, payload: DossierPatch):
    changes = payload.dict(exclude_unset=True)
    expected = changes.pop("expected_version")
    actions.dossier_update(
        actor=request.user, dossier_id=dossier_id, expected_version=expected, changes=changes
    )
    return DossierOut.of(dossier_for(request.user, dossier_id))


@router.get("/dossiers/{dossier_id}/history", response={200: list[EventOut], **ERRORS})
def dossier_history(request: HttpRequest, dossier_id: int):
    d = dossier_for(request.user, dossier_id)
    events = AuditEvent.objects.filter(dossier_id=d.pk).order_by("chain_seq")
    return [
        {
            "seq": e.chain_seq,
            "at": e.at,
            "actor": e.actor_name,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "payload": e.payload,
            "hash": e.hash,
        }
        for e in events
    ]


def _call(fn, *fields: str):
    """An action that takes, besides the common arguments, these fields of the request body."""
    return lambda user, did, body, key: fn(
        actor=user,
        dossier_id=did,
        expected_version=body.expected_version,
        idempotency_key=key,
        **{name: getattr(body, name) for name in fields},
    )


ACTIONS = {
    "submit": _call(actions.dossier_submit, "note"),
    "receive": _call(actions.dossier_receive, "note"),
    "appraise": _call(actions.dossier_appraise, "note"),
    "put_on_agenda": _call(actions.dossier_put_on_agenda, "note"),
    "prepare_decision": _call(actions.dossier_prepare_decision, "note"),
    "sign": _call(actions.dossier_sign, "note"),
    "submit_to_province": _call(actions.dossier_submit_to_province, "note"),
    "withdraw": _call(actions.dossier_withdraw, "note"),
    "release_hold": _call(actions.dossier_release_hold, "note"),
    "mark_ineligible": _call(actions.dossier_mark_ineligible, "reason"),
    "hold": _call(actions.dossier_hold, "reason"),
    "revoke": _call(actions.dossier_revoke, "reason"),
    "return": _call(actions.dossier_return, "reason", "field_notes"),
    "award": _call(actions.dossier_award, "decision_number", "golden_book_number"),
    "province_result": _call(
        actions.dossier_province_result, "result", "decision_number", "decided_on", "reason"
    ),
}


@router.post("/dossiers/{dossier_id}/actions/{action}", response={200: DossierOut, **ERRORS})
def run_action(request: HttpRequest, dossier_id: int, action: str, payload: ActionIn):
    """Run one action. Send `Idempotency-Key` to make a retry safe: the dossier moves once."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise ActionError("invalid_transition", _("Unknown action."))
    key = request.headers.get("Idempotency-Key") or None
    d = handler(request.user, dossier_id, payload, key)
    return DossierOut.of(dossier_for(request.user, d.pk))


@router.post("/council/results", response={200: list[CouncilResultOut], **ERRORS}, tags=["council"])
def council_results(request: HttpRequest, payload: CouncilResultIn):
    return actions.council_result_record(
        actor=request.user,
        authority_id=payload.authority_id,
        members_present=payload.members_present,
        tallies=[t.dict() for t in payload.tallies],
        held_on=payload.held_on,
        session_ref=payload.session_ref,
        decides_awards=payload.decides_awards,
    )


# What each role acts on, by status: the API inbox (the web inbox adds claims and deadlines).
INBOX_STATES = {
    "proposer": [DossierStatus.DRAFT, DossierStatus.RETURNED],
    "reviewer": [
        DossierStatus.SUBMITTED,
        DossierStatus.RECEIVED,
        DossierStatus.APPRAISED,
        DossierStatus.COUNCIL_APPROVED,
        DossierStatus.SIGNED,
        DossierStatus.SUBMITTED_TO_PROVINCE,
        DossierStatus.PROVINCE_RETURNED,
    ],
    "office_head": [DossierStatus.SUBMITTED, DossierStatus.RECEIVED, DossierStatus.APPRAISED],
    "secretary": [DossierStatus.ON_AGENDA],
    "council_member": [DossierStatus.ON_AGENDA],
    "chair": [DossierStatus.DECISION_PREPARED],
    "clerk": [DossierStatus.SIGNED],
}


@router.get("/inbox", response={200: DossierPage, **ERRORS}, tags=["inbox"])
def inbox(request: HttpRequest, after: int | None = None, limit: int = 50):
    from django.db.models import Q

    from nominations.models import RoleAssignment

    limit = max(1, min(limit, PAGE_MAX))
    user: Any = request.user
    roles = RoleAssignment.objects.filter(user=user, active=True).values_list(
        "authority_id", "role", "unit_id"
    )
    wanted = Q(pk__in=[])
    for authority_id, role, unit_id in roles:
        states = INBOX_STATES.get(role)
        if not states:
            continue
        cond = Q(authority_id=authority_id, status__in=states)
        if role == "proposer":
            cond &= Q(unit_id=unit_id)
        wanted |= cond
    qs = dossiers_visible_to(request.user).filter(wanted).order_by("-id")
    if after:
        qs = qs.filter(id__lt=after)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [DossierOut.of(d) for d in rows], "next_after": rows[-1].pk if more and rows else None}


@router.get("/quotas", response={200: list[QuotaOut], **ERRORS}, tags=["quotas"])
def quotas(request: HttpRequest, occasion: str | None = None):
    qs = QuotaLedger.objects.filter(
        occasion__movement__authority_id__in=authorities_for(request.user)
    ).select_related("occasion", "award_type")
    if occasion:
        qs = qs.filter(occasion__code=occasion)
    return [
        {
            "id": q.pk,
            "occasion": q.occasion.code,
            "award_type": q.award_type.code,
            "nominee_kind": q.nominee_kind,
            "limit": q.limit,
            "used": q.used,
            "remaining": q.remaining,
        }
        for q in qs.order_by("occasion__year", "occasion__kind", "award_type__order", "nominee_kind")
    ]


api.add_router("/", router)
api.add_router("/council/", council_router)
api.add_router("/documents/", documents_router)
