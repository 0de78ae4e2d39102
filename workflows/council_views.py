"""Council pages: sessions, the member's ballots, the secretary's live screen, results and minutes.

Thin: parse, call one action, render. Secrecy lives in what these pages never load: a ballot's choice
is read only by the member's own page (their current vote) and by the count at closing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from nominations.models import (
    Attachment,
    AttachmentKind,
    Ballot,
    BallotChoice,
    CouncilOutcome,
    CouncilSession,
    CouncilSessionStatus,
    Dossier,
    QuotaLedger,
    Recusal,
    Role,
    RoleAssignment,
)
from nominations.states import DossierStatus

from .actions import council as council_actions
from .errors import ActionError
from .permissions import roles_of

# Roles that may follow a session (who voted, the counts, the results) without being on its roster.
FOLLOW_ROLES = (
    Role.SECRETARY,
    Role.CHAIR,
    Role.AUDITOR,
    Role.ADMIN,
    Role.REVIEWER,
    Role.OFFICE_HEAD,
    Role.CLERK,
)


OUTCOME_LABELS = {
    **{value: label for value, label in CouncilOutcome.choices},
    council_actions.NOT_SENT_NO_QUORUM: _lazy("Not decided: no quorum after recusals"),
    council_actions.NOT_SENT_NOT_ON_AGENDA: _lazy("Not decided: the dossier left the agenda"),
}


def sessions_visible_to(user: Any):
    if not user.is_authenticated or not user.is_active:
        return CouncilSession.objects.none()
    followed = RoleAssignment.objects.filter(user=user, active=True, role__in=FOLLOW_ROLES).values(
        "authority_id"
    )
    return (
        CouncilSession.objects.filter(Q(authority_id__in=followed) | Q(attendance__member=user))
        .distinct()
        .select_related("authority", "chair", "secretary")
    )


def session_for(user: Any, session_id: int) -> CouncilSession:
    """The session if the user may see it; a 404 otherwise (whether it exists or not)."""
    session = sessions_visible_to(user).filter(pk=session_id).first()
    if session is None:
        raise Http404(_("Council session not found."))
    return session


def _authority_for_secretary(user: Any) -> int | None:
    row = RoleAssignment.objects.filter(user=user, active=True, role=Role.SECRETARY).first()
    return row.authority_id if row else None


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = list(sessions_visible_to(request.user).order_by("-held_on", "-id"))
    return render(
        request,
        "council/list.html",
        {"sessions": sessions, "can_create": _authority_for_secretary(request.user) is not None},
    )


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    authority_id = _authority_for_secretary(request.user)
    if authority_id is None:
        raise Http404(_("Council session not found."))
    candidates = list(
        Dossier.objects.filter(authority_id=authority_id, status=DossierStatus.ON_AGENDA)
        .exclude(
            council_agenda_items__session__status__in=[CouncilSessionStatus.DRAFT, CouncilSessionStatus.OPEN]
        )
        .select_related("nominee", "unit", "award_type")
        .order_by("award_type__order", "pk")
    )
    chairs = list(
        get_user_model()
        .objects.filter(
            roles__authority_id=authority_id,
            roles__active=True,
            roles__role__in=[Role.CHAIR, Role.COUNCIL_MEMBER],
        )
        .distinct()
        .order_by("pk")
    )
    form: dict[str, Any] = {
        "held_on": timezone.localdate().isoformat(),
        "place": "",
        "chair": "",
        "decides_awards": True,
    }
    if request.method == "POST":
        form = {
            "held_on": request.POST.get("held_on", ""),
            "place": request.POST.get("place", ""),
            "chair": request.POST.get("chair", ""),
            "decides_awards": request.POST.get("decides_awards") == "on",
        }
        try:
            held_on = dt.date.fromisoformat(str(form["held_on"]))
            chair_id = int(str(form["chair"]))
        except ValueError:
            messages.error(request, _("Enter the meeting date and choose the chair."))
        else:
            try:
                session = council_actions.council_session_create(
                    actor=request.user,
                    authority_id=authority_id,
                    held_on=held_on,
                    place=str(form["place"]),
                    chair_id=chair_id,
                    dossier_ids=[int(i) for i in request.POST.getlist("dossiers") if i.isdigit()],
                    decides_awards=bool(form["decides_awards"]),
                )
            except ActionError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("The council session has been created."))
                return redirect("workflows:council:detail", session_id=session.pk)
    return render(request, "council/create.html", {"candidates": candidates, "chairs": chairs, "form": form})


def _detail_context(request: HttpRequest, session: CouncilSession) -> dict[str, Any]:
    user = request.user
    roles = roles_of(user, session.authority_id)
    attendance = list(session.attendance.select_related("member").order_by("id"))
    mine = next((a for a in attendance if a.member_id == user.pk), None)
    is_secretary = roles.has(Role.SECRETARY)
    items = list(
        session.agenda.select_related(
            "dossier__nominee", "dossier__unit", "dossier__award_type", "dossier__occasion"
        )
    )
    recusals: dict[int, list[Recusal]] = {}
    for r in Recusal.objects.filter(session=session).select_related("member").order_by("id"):
        recusals.setdefault(r.dossier_id, []).append(r)
    progress = {row["dossier_id"]: row for row in council_actions.session_progress(session=session)}
    my_votes: dict[int, Ballot] = {}
    if mine is not None and roles.has(Role.COUNCIL_MEMBER) and session.status == CouncilSessionStatus.OPEN:
        # The member's own page only: their current vote, so they can check or change it.
        my_votes = {b.dossier_id: b for b in Ballot.objects.filter(session=session, member_id=user.pk)}
    quotas = {
        (q.occasion_id, q.award_type_id, q.nominee_kind): q
        for q in QuotaLedger.objects.filter(
            occasion_id__in={i.dossier.occasion_id for i in items},
            award_type_id__in={i.dossier.award_type_id for i in items},
        )
    }
    files: dict[int, list[Attachment]] = {}
    for a in Attachment.objects.filter(
        dossier_id__in=[i.dossier_id for i in items], removed_in_version__isnull=True
    ).exclude(kind=AttachmentKind.MINUTES):
        files.setdefault(a.dossier_id, []).append(a)
    rows = []
    for item in items:
        d = item.dossier
        rec = recusals.get(d.pk, [])
        my_ballot = my_votes.get(d.pk)
        rows.append(
            {
                "item": item,
                "dossier": d,
                "recusals": rec,
                "i_am_recused": any(r.member_id == user.pk for r in rec),
                "progress": progress.get(d.pk),
                "my_choice": my_ballot.choice if my_ballot else "",
                "outcome_label": OUTCOME_LABELS.get(item.outcome, item.outcome),
                "my_written": bool(my_ballot and my_ballot.written),
                "quota": quotas.get((d.occasion_id, d.award_type_id, d.nominee_kind)),
                "files": files.get(d.pk, []),
                "percent": (
                    f"{item.agreeing * 100 / len(attendance):.2f}".rstrip("0").rstrip(".")
                    if item.agreeing is not None and attendance
                    else ""
                ),
            }
        )
    present = [a for a in attendance if a.present]
    quorum = council_actions.session_quorum_percent(session)
    return {
        "session": session,
        "attendance": attendance,
        "absent": [a for a in attendance if not a.present],
        "present_count": len(present),
        "quorum_percent": quorum.normalize(),
        "mine": mine,
        "is_member": mine is not None and roles.has(Role.COUNCIL_MEMBER),
        "is_secretary": is_secretary,
        "rows": rows,
        "choices": BallotChoice.choices,
        "receipt": None,
        "receipt_check": _receipt_check(request, session, items),
        "ws_path": f"/ws/council/{session.pk}/",
    }


def _receipt_check(request: HttpRequest, session: CouncilSession, items: list[Any]) -> dict[str, Any] | None:
    """Anyone who may see the results can look a commitment up in the published list."""
    wanted = request.GET.get("commitment", "").strip().lower()
    if not wanted or session.status != CouncilSessionStatus.CLOSED:
        return None
    for item in items:
        for commitment, choice in item.commitments:
            if commitment == wanted:
                label = BallotChoice(choice).label if choice in BallotChoice.values else choice
                return {"commitment": wanted, "found": True, "dossier": item.dossier, "choice": label}
    return {"commitment": wanted, "found": False}


@login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_for(request.user, session_id)
    return render(request, "council/detail.html", _detail_context(request, session))


def _run(request: HttpRequest, session_id: int, fn: Any, success: str, **kwargs: Any) -> HttpResponse:
    session = session_for(request.user, session_id)
    try:
        fn(actor=request.user, session_id=session.pk, **kwargs)
    except ActionError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("workflows:council:detail", session_id=session.pk)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError as exc:
        raise Http404(_("Council session not found.")) from exc


@login_required
@require_POST
def session_attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    present = [int(i) for i in request.POST.getlist("present") if i.isdigit()]
    return _run(
        request,
        session_id,
        council_actions.council_session_mark_attendance,
        _("Attendance saved."),
        present_ids=present,
    )


@login_required
@require_POST
def session_open(request: HttpRequest, session_id: int) -> HttpResponse:
    return _run(request, session_id, council_actions.council_session_open, _("Voting is open."))


@login_required
@require_POST
def session_close(request: HttpRequest, session_id: int) -> HttpResponse:
    return _run(
        request,
        session_id,
        council_actions.council_session_close,
        _("The session is closed and the minutes are ready."),
    )


def _cast(request: HttpRequest, session_id: int, action: Any, **fields: Any) -> HttpResponse:
    """Run a ballot action (in-app or a written vote entered by the secretary) and show its receipt."""
    session = session_for(request.user, session_id)
    try:
        receipt = action(
            actor=request.user,
            session_id=session.pk,
            dossier_id=_int(request.POST.get("dossier")),
            choice=request.POST.get("choice", ""),
            **fields,
        )
    except ActionError as exc:
        messages.error(request, str(exc.message))
        return redirect("workflows:council:detail", session_id=session.pk)
    # The receipt is shown once, in this response, and kept nowhere on the server.
    context = _detail_context(request, CouncilSession.objects.get(pk=session.pk))
    context["receipt"] = receipt
    context["receipt_dossier"] = next(
        r["dossier"] for r in context["rows"] if r["dossier"].pk == receipt.dossier_id
    )
    return render(request, "council/detail.html", context)


@login_required
@require_POST
def ballot(request: HttpRequest, session_id: int) -> HttpResponse:
    return _cast(request, session_id, council_actions.ballot_cast)


@login_required
@require_POST
def written_ballot(request: HttpRequest, session_id: int) -> HttpResponse:
    return _cast(
        request, session_id, council_actions.ballot_record_written, member_id=_int(request.POST.get("member"))
    )


@login_required
@require_POST
def conflict(request: HttpRequest, session_id: int) -> HttpResponse:
    return _run(
        request,
        session_id,
        council_actions.conflict_declare,
        _("Your conflict of interest is recorded; you will not vote on this dossier."),
        dossier_id=_int(request.POST.get("dossier")),
        note=request.POST.get("note", ""),
    )


@login_required
@require_GET
def progress(request: HttpRequest, session_id: int) -> JsonResponse:
    """Ballots returned per dossier (who, never how): the live screen's first load and fallback."""
    session = session_for(request.user, session_id)
    return JsonResponse(
        {"status": session.status, "rows": council_actions.session_progress(session=session)},
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, session_id: int) -> FileResponse:
    from .attachments import storage_path

    session = session_for(request.user, session_id)
    if not session.minutes_storage_name:
        raise Http404(_("The minutes are written when the session closes."))
    path = storage_path(session.minutes_storage_name)
    response = FileResponse(
        path.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"Bien-ban-hop-Hoi-dong-{session.held_on:%Y%m%d}.pdf",
    )
    response["X-Content-SHA256"] = session.minutes_sha256
    return response
