"""Decision endpoints of the JSON API (mounted at /api/v1/documents/): the same actions as the decision
pages. Signing takes the TOTP code in the body, exactly as the page does; nothing here bypasses it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from nominations.models import Decision
from nominations.signing import verify_document

from .actions import documents as actions
from .api_errors import ERRORS
from .document_views import decisions_visible_to

router = Router(tags=["documents"])


class EntryOut(Schema):
    dossier_id: int
    nominee_name: str
    nominee_kind: str
    award_name: str
    reward_amount: int
    golden_book_number: str
    province_result: str


class DecisionOut(Schema):
    id: int
    kind: str
    status: str
    version: int
    reference: str
    issued_on: dt.date | None
    subject: str
    reason: str
    signer_title: str
    signer_name: str
    sha256: str
    key_id: str
    signed_at: dt.datetime | None
    revokes_id: int | None
    entries: list[EntryOut]


class PrepareIn(Schema):
    occasion_id: int
    dossier_ids: list[int]
    kind: str = "award"
    subject: str = ""
    signer_id: int | None = None


class VersionIn(Schema):
    expected_version: int | None = None


class NumberIn(VersionIn):
    issued_on: dt.date | None = None


class SignIn(VersionIn):
    otp_token: str


class RevokeIn(VersionIn):
    reason: str
    dossier_ids: list[int] | None = None


class PackageIn(VersionIn):
    external_reference: str = ""


class ProvinceResultIn(Schema):
    dossier_id: int
    result: str
    decision_number: str = ""
    decided_on: dt.date | None = None
    reason: str = ""


class VerifyOut(Schema):
    valid: bool
    message: str
    sha256: str
    reference: str
    signer_name: str
    signer_title: str
    signed_at: dt.datetime | None
    key_id: str
    revoked_by: str
    details: list[str]


def _out(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "status": decision.status,
        "version": decision.version,
        "reference": decision.reference,
        "issued_on": decision.issued_on,
        "subject": decision.subject,
        "reason": decision.reason,
        "signer_title": decision.signer_title,
        "signer_name": decision.signer_name,
        "sha256": decision.sha256,
        "key_id": decision.key_id,
        "signed_at": decision.signed_at,
        "revokes_id": decision.revokes_id,
        "entries": [
            {
                "dossier_id": e.dossier_id,
                "nominee_name": e.nominee_name,
                "nominee_kind": e.nominee_kind,
                "award_name": e.award_name,
                "reward_amount": e.reward_amount,
                "golden_book_number": e.golden_book_number,
                "province_result": e.province_result,
            }
            for e in decision.entries.order_by("order", "id")
        ],
    }


def _visible(request: HttpRequest, decision_id: int) -> Decision:
    decision = decisions_visible_to(request.user).filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    return decision


def _fresh(decision_id: int) -> dict[str, Any]:
    return _out(Decision.objects.get(pk=decision_id))


@router.get("/decisions", response={200: list[DecisionOut], **ERRORS})
def list_decisions(request: HttpRequest, limit: int = 50):
    return [_out(d) for d in decisions_visible_to(request.user)[: max(1, min(limit, 200))]]


@router.get("/decisions/{decision_id}", response={200: DecisionOut, **ERRORS})
def get_decision(request: HttpRequest, decision_id: int):
    return _out(_visible(request, decision_id))


@router.post("/decisions", response={201: DecisionOut, **ERRORS})
def prepare(request: HttpRequest, payload: PrepareIn):
    decision = actions.decision_prepare(
        actor=request.user,
        occasion_id=payload.occasion_id,
        dossier_ids=payload.dossier_ids,
        kind=payload.kind,
        subject=payload.subject,
        signer_id=payload.signer_id,
    )
    return Status(201, _fresh(decision.pk))


def _act(request: HttpRequest, decision_id: int, action: Any, **fields: Any) -> Any:
    """Scope first (404 for a decision the caller cannot see), then the action; returns the decision
    as it is now."""
    _visible(request, decision_id)
    action(actor=request.user, decision_id=decision_id, **fields)
    return _fresh(decision_id)


@router.post("/decisions/{decision_id}/number", response={200: DecisionOut, **ERRORS})
def number(request: HttpRequest, decision_id: int, payload: NumberIn):
    return _act(
        request,
        decision_id,
        actions.decision_issue_number,
        expected_version=payload.expected_version,
        issued_on=payload.issued_on,
    )


@router.post("/decisions/{decision_id}/sign", response={200: DecisionOut, **ERRORS})
def sign(request: HttpRequest, decision_id: int, payload: SignIn):
    return _act(
        request,
        decision_id,
        actions.decision_sign,
        otp_token=payload.otp_token,
        expected_version=payload.expected_version,
    )


@router.post("/decisions/{decision_id}/issue", response={200: DecisionOut, **ERRORS})
def issue(request: HttpRequest, decision_id: int, payload: VersionIn):
    return _act(request, decision_id, actions.decision_issue, expected_version=payload.expected_version)


@router.post("/decisions/{decision_id}/revoke", response={201: DecisionOut, **ERRORS})
def revoke(request: HttpRequest, decision_id: int, payload: RevokeIn):
    _visible(request, decision_id)
    revocation = actions.decision_revoke(
        actor=request.user,
        decision_id=decision_id,
        reason=payload.reason,
        dossier_ids=payload.dossier_ids,
        expected_version=payload.expected_version,
    )
    return Status(201, _fresh(revocation.pk))  # the revocation is a new decision: answer with it


@router.post("/decisions/{decision_id}/package", response={200: DecisionOut, **ERRORS})
def package(request: HttpRequest, decision_id: int, payload: PackageIn):
    return _act(
        request,
        decision_id,
        actions.submission_package,
        expected_version=payload.expected_version,
        external_reference=payload.external_reference,
    )


@router.post("/decisions/{decision_id}/province-result", response={200: DecisionOut, **ERRORS})
def province_result(request: HttpRequest, decision_id: int, payload: ProvinceResultIn):
    return _act(
        request,
        decision_id,
        actions.submission_record_result,
        dossier_id=payload.dossier_id,
        result=payload.result,
        decision_number=payload.decision_number,
        decided_on=payload.decided_on,
        reason=payload.reason,
    )


@router.post("/verify", response={200: VerifyOut, **ERRORS})
def verify(request: HttpRequest, file: File[UploadedFile], signature: File[UploadedFile] | None = None):
    result = verify_document(data=file.read(), signature_file=signature.read() if signature else None)
    return {
        "valid": result.valid,
        "message": str(result.message),
        "sha256": result.sha256,
        "reference": result.reference,
        "signer_name": result.signer_name,
        "signer_title": str(result.signer_title),
        "signed_at": result.signed_at,
        "key_id": result.key_id,
        "revoked_by": result.revoked_by,
        "details": [str(d) for d in result.details],
    }
