"""Decision pages: list, prepare, detail (number, sign with a TOTP code, issue, revoke, package, province
results), downloads, TOTP enrolment, and the public verify page. Each POST calls exactly one action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nominations.documents import format_money
from nominations.documents.from_models import build_pdf_for
from nominations.documents.storage import read_document
from nominations.models import (
    AwardLevel,
    Decision,
    DecisionKind,
    DecisionStatus,
    Dossier,
    Occasion,
    ProvinceResult,
    Role,
    RoleAssignment,
)
from nominations.signing import verify_document
from nominations.states import DossierStatus

from .actions import documents as actions
from .canonical import sha256_hex
from .errors import ActionError
from .ledger import ledger_record_download
from .permissions import READ_ALL_ROLES, roles_of

OFFICE = (Role.REVIEWER, Role.OFFICE_HEAD)
MAX_VERIFY_BYTES = 50 * 1024 * 1024


def _authority_ids(user: Any) -> list[int]:
    return list(
        RoleAssignment.objects.filter(user=user, active=True, role__in=list(READ_ALL_ROLES))
        .values_list("authority_id", flat=True)
        .distinct()
    )


def decisions_visible_to(user: Any) -> QuerySet[Decision]:
    """Office, council secretary, chair, clerk, auditor and administrator read their authority's decisions."""
    if not user.is_authenticated:
        return Decision.objects.none()
    return Decision.objects.filter(authority_id__in=_authority_ids(user)).select_related(
        "occasion", "authority", "revokes"
    )


def _decision_for(user: Any, pk: int) -> Decision:
    decision = decisions_visible_to(user).filter(pk=pk).first()
    if decision is None:
        raise Http404(_("Decision not found."))
    return decision


def _fail(request: HttpRequest, exc: ActionError) -> None:
    messages.error(request, str(exc.message))


def _download(
    request: HttpRequest, decision: Any, data: bytes, *, name: str, content_type: str
) -> HttpResponse:
    # Every document fetched is on the record (who, which file, its SHA-256), before it is served.
    ledger_record_download(
        actor=request.user,
        payload={
            "decision": decision.pk,
            "reference": decision.reference,
            "file": name,
            "sha256": sha256_hex(data),
        },
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    decisions = list(decisions_visible_to(request.user)[:200])
    roles: set[str] = set()
    for authority_id in _authority_ids(request.user):
        roles |= roles_of(request.user, authority_id).roles
    return render(
        request,
        "documents/web/list.html",
        {"decisions": decisions, "can_prepare": bool(roles & set(OFFICE))},
    )


@login_required
def decision_prepare(request: HttpRequest) -> HttpResponse:
    authority_ids = [a for a in _authority_ids(request.user) if roles_of(request.user, a).has(*OFFICE)]
    if not authority_ids:
        raise Http404(_("Decision not found."))
    occasions = Occasion.objects.filter(movement__authority_id__in=authority_ids).order_by("year", "kind")
    kind = request.POST.get("kind") or request.GET.get("kind") or DecisionKind.AWARD
    occasion_id = request.POST.get("occasion") or request.GET.get("occasion")
    candidates: list[Dossier] = []
    if occasion_id and str(occasion_id).isdigit():
        base = Dossier.objects.filter(
            authority_id__in=authority_ids, occasion_id=occasion_id, status=DossierStatus.COUNCIL_APPROVED
        ).select_related("nominee", "award_type", "unit")
        # Commune awards go in a decision; province and state awards in a submission.
        if kind == DecisionKind.AWARD:
            base = base.filter(award_type__level=AwardLevel.COMMUNE)
        else:
            base = base.exclude(award_type__level=AwardLevel.COMMUNE)
        candidates = list(base.order_by("award_type__order", "nominee_kind", "id"))
    if request.method == "POST" and request.POST.get("dossiers"):
        try:
            decision = actions.decision_prepare(
                actor=request.user,
                occasion_id=int(occasion_id or 0),
                dossier_ids=[int(x) for x in request.POST.getlist("dossiers")],
                kind=kind,
                subject=request.POST.get("subject", ""),
            )
        except (ActionError, ValueError) as exc:
            if isinstance(exc, ActionError):
                _fail(request, exc)
            else:
                messages.error(request, _("Choose at least one dossier."))
        else:
            messages.success(request, _("The draft was prepared."))
            return redirect("workflows:documents:detail", pk=decision.pk)
    return render(
        request,
        "documents/web/prepare.html",
        {
            "occasions": occasions,
            "occasion_id": int(occasion_id) if occasion_id and str(occasion_id).isdigit() else None,
            "kind": kind,
            "kinds": [
                (DecisionKind.AWARD, DecisionKind.AWARD.label),
                (DecisionKind.SUBMISSION, DecisionKind.SUBMISSION.label),
            ],
            "candidates": candidates,
        },
    )


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision_for(request.user, pk)
    roles = roles_of(request.user, decision.authority_id)
    entries = list(decision.entries.select_related("dossier").order_by("order", "id"))
    from django_otp.plugins.otp_totp.models import TOTPDevice

    is_signer = roles.has(Role.CHAIR) and decision.signer_id in (None, request.user.pk)
    return render(
        request,
        "documents/web/detail.html",
        {
            "decision": decision,
            "entries": [
                {
                    "entry": e,
                    "amount": format_money(e.reward_amount),
                    "status": e.dossier.get_status_display(),
                }
                for e in entries
            ],
            "total": format_money(sum(e.reward_amount for e in entries)),
            "can_number": roles.has(Role.CLERK) and decision.status == DecisionStatus.DRAFT,
            "can_render": roles.has(Role.CLERK, *OFFICE)
            and decision.status == DecisionStatus.NUMBERED
            and not decision.pdf_storage_name,
            "can_sign": is_signer
            and decision.status == DecisionStatus.NUMBERED
            and bool(decision.pdf_storage_name),
            "has_device": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "can_issue": roles.has(Role.CLERK)
            and decision.kind == DecisionKind.AWARD
            and decision.status == DecisionStatus.SIGNED,
            "can_revoke": roles.has(Role.CHAIR, *OFFICE)
            and decision.kind == DecisionKind.AWARD
            and decision.status == DecisionStatus.ISSUED,
            "can_package": roles.has(*OFFICE)
            and decision.kind == DecisionKind.SUBMISSION
            and decision.status == DecisionStatus.SIGNED,
            "can_record": roles.has(*OFFICE)
            and decision.kind == DecisionKind.SUBMISSION
            and decision.status == DecisionStatus.ISSUED,
            "province_results": ProvinceResult.choices,
            "submission": getattr(decision, "province_submission", None)
            if decision.kind == DecisionKind.SUBMISSION
            else None,
            "revocations": list(decision.revocations.all()),
            "is_revocation": decision.kind == DecisionKind.REVOCATION,
        },
    )


def _post_action(request: HttpRequest, pk: int, run: Any, success: str) -> HttpResponse:
    decision = _decision_for(request.user, pk)
    try:
        result = run(decision)
    except ActionError as exc:
        _fail(request, exc)
    else:
        messages.success(request, success)
        if isinstance(result, Decision) and result.pk != decision.pk:
            return redirect("workflows:documents:detail", pk=result.pk)
    return redirect("workflows:documents:detail", pk=decision.pk)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def decision_number(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda d: actions.decision_issue_number(
            actor=request.user, decision_id=d.pk, expected_version=_version(request)
        ),
        _("The number was issued."),
    )


@login_required
@require_POST
def decision_render(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda d: actions.decision_render_pdf(actor=request.user, decision_id=d.pk),
        _("The document was generated."),
    )


@login_required
@require_POST
def decision_sign(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda d: actions.decision_sign(
            actor=request.user,
            decision_id=d.pk,
            otp_token=request.POST.get("otp_token", ""),
            expected_version=_version(request),
        ),
        _("The document was signed."),
    )


@login_required
@require_POST
def decision_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda d: actions.decision_issue(
            actor=request.user, decision_id=d.pk, expected_version=_version(request)
        ),
        _("The decision was issued; the awards are recorded."),
    )


@login_required
@require_POST
def decision_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("dossiers") if x.isdigit()] or None
    return _post_action(
        request,
        pk,
        lambda d: actions.decision_revoke(
            actor=request.user, decision_id=d.pk, reason=request.POST.get("reason", ""), dossier_ids=ids
        ),
        _("The revocation decision was prepared."),
    )


@login_required
@require_POST
def submission_package(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda d: actions.submission_package(
            actor=request.user,
            decision_id=d.pk,
            expected_version=_version(request),
            external_reference=request.POST.get("external_reference", ""),
        ),
        _("The package was built and the dossiers were submitted to the province."),
    )


@login_required
@require_POST
def province_result(request: HttpRequest, pk: int) -> HttpResponse:
    decided_on = None
    raw = request.POST.get("decided_on", "")
    if raw:
        try:
            decided_on = dt.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("Enter a valid date."))
            return redirect("workflows:documents:detail", pk=pk)
    dossier_id = request.POST.get("dossier", "")
    return _post_action(
        request,
        pk,
        lambda d: actions.submission_record_result(
            actor=request.user,
            decision_id=d.pk,
            dossier_id=int(dossier_id) if dossier_id.isdigit() else 0,
            result=request.POST.get("result", ""),
            decision_number=request.POST.get("decision_number", ""),
            decided_on=decided_on,
            reason=request.POST.get("reason", ""),
        ),
        _("The province's result was recorded."),
    )


@login_required
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF once numbered; before that, a draft preview rendered on the fly."""
    decision = _decision_for(request.user, pk)
    data = read_document(decision.pdf_storage_name) if decision.pdf_storage_name else build_pdf_for(decision)
    return _download(
        request, decision, data, name=actions.pdf_file_name(decision), content_type="application/pdf"
    )


@login_required
def decision_signature(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision_for(request.user, pk)
    if not decision.signature:
        raise Http404(_("This document is not signed."))
    return _download(
        request,
        decision,
        actions.signature_file_for(decision),
        name=actions.pdf_file_name(decision) + ".sig.json",
        content_type="application/json",
    )


@login_required
def submission_download(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision_for(request.user, pk)
    submission = getattr(decision, "province_submission", None)
    if submission is None:
        raise Http404(_("No package has been built."))
    name = actions.pdf_file_name(decision).replace(".pdf", ".zip")
    return _download(
        request,
        decision,
        read_document(submission.package_storage_name),
        name=name,
        content_type="application/zip",
    )


# --- TOTP enrolment -------------------------------------------------------------------------------


def _qr_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return svg if isinstance(svg, str) else svg.decode("utf-8")


@login_required
def totp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app by QR code; the device counts only after one code is confirmed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("id")
    if request.method == "POST" and request.POST.get("remove"):
        with transaction.atomic():
            TOTPDevice.objects.filter(user=request.user, pk=request.POST["remove"]).delete()
        messages.success(request, _("The authenticator was removed."))
        return redirect("workflows:documents:totp")
    pending = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-id").first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
    if request.method == "POST":
        token = request.POST.get("otp_token", "").strip()
        if token.isdigit() and pending.verify_token(token):
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            messages.success(request, _("The authenticator app is enrolled."))
            return redirect(request.GET.get("next") or reverse("workflows:documents:totp"))
        messages.error(request, _("The code is not valid. Check the time on your phone and try again."))
    from base64 import b32encode

    secret = b32encode(pending.bin_key).decode("ascii")
    return render(
        request,
        "documents/web/totp.html",
        {
            "qr_svg": _qr_svg(pending.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "pending": pending,
            "confirmed": list(confirmed),
        },
    )


# --- public verification --------------------------------------------------------------------------


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone may check a file: is it a document signed here, by whom and when? No login needed."""
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        signature = request.FILES.get("signature")
        if upload is None:
            messages.error(request, _("Choose a file to verify."))
        elif (upload.size or 0) > MAX_VERIFY_BYTES or (
            signature is not None and (signature.size or 0) > 1024 * 1024
        ):
            messages.error(request, _("The file is too large."))
        else:
            result = verify_document(
                data=upload.read(), signature_file=signature.read() if signature else None
            )
    return render(request, "documents/web/verify.html", {"result": result})
