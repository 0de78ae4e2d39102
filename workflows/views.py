"""Dossier, inbox and task pages. Thin: parse, call exactly one action, render.

Every dossier a page shows comes through the selectors (scoped); every task list through workflows.inbox
(scoped the same way). A dossier outside the user's scope is a 404, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import can_proceed
from viewflow.workflow.status import STATUS

from nominations.documents.formatting import person_name
from nominations.models import (
    AwardType,
    CouncilOutcome,
    Dossier,
    Occasion,
    QuotaLedger,
    QuotaSeat,
    Role,
    RoleAssignment,
    Unit,
)
from nominations.search import normalise_for_search
from nominations.states import DossierStatus, blocking_reasons

from . import actions
from . import attachments as att
from . import forms as f
from .diagram import lifecycle_svg
from .errors import ActionError
from .flows import STEPS, open_task_of, queue_tokens, task_bulk_claim, task_claim, task_reassign, task_release
from .inbox import KINDS, Filters, inbox_page
from .ledger import ledger_record_download
from .models import AuditEvent, DossierVersion
from .permissions import may_act, roles_of
from .revisions import changes_since_last_review, return_notes
from .selectors import dossier_for, dossiers_visible_to


def _dossier_or_404(user: Any, pk: int) -> Dossier:
    try:
        return dossier_for(user, pk)
    except ActionError as exc:
        raise Http404(str(exc.message)) from exc


def _error(request: HttpRequest, exc: ActionError | att.AttachmentRejected) -> None:
    messages.error(request, str(exc.message))


# --- the actions a dossier page offers ------------------------------------------------------------


@dataclass(frozen=True)
class UiAction:
    name: str
    label: Any
    perm: str
    transition: str
    form: type
    call: Callable[..., Dossier]
    danger: bool = False


def _simple(fn: Callable[..., Dossier]) -> Callable[..., Dossier]:
    def call(actor: Any, d: Dossier, data: dict[str, Any]) -> Dossier:
        return fn(
            actor=actor, dossier_id=d.pk, expected_version=data["expected_version"], note=data.get("note", "")
        )

    return call


def _with_reason(fn: Callable[..., Dossier]) -> Callable[..., Dossier]:
    def call(actor: Any, d: Dossier, data: dict[str, Any]) -> Dossier:
        return fn(
            actor=actor, dossier_id=d.pk, expected_version=data["expected_version"], reason=data["reason"]
        )

    return call


def _return(actor: Any, d: Dossier, data: dict[str, Any]) -> Dossier:
    return actions.dossier_return(
        actor=actor,
        dossier_id=d.pk,
        expected_version=data["expected_version"],
        reason=data["reason"],
        field_notes=data.get("field_notes") or {},
    )


def _award(actor: Any, d: Dossier, data: dict[str, Any]) -> Dossier:
    return actions.dossier_award(
        actor=actor,
        dossier_id=d.pk,
        expected_version=data["expected_version"],
        decision_number=data["decision_number"],
        golden_book_number=data.get("golden_book_number", ""),
    )


def _province(actor: Any, d: Dossier, data: dict[str, Any]) -> Dossier:
    return actions.dossier_province_result(
        actor=actor,
        dossier_id=d.pk,
        expected_version=data["expected_version"],
        result=data["result"],
        decision_number=data.get("decision_number") or "",
        decided_on=data.get("decided_on"),
        reason=data.get("reason") or "",
    )


UI_ACTIONS: dict[str, UiAction] = {
    a.name: a
    for a in (
        UiAction(
            "submit",
            gettext_lazy("Submit"),
            "submit",
            "submit",
            f.ActionForm,
            _simple(actions.dossier_submit),
        ),
        UiAction(
            "receive",
            gettext_lazy("Receive"),
            "receive",
            "receive",
            f.ActionForm,
            _simple(actions.dossier_receive),
        ),
        UiAction(
            "return",
            gettext_lazy("Return for supplement"),
            "return_for_supplement",
            "return_for_supplement",
            f.ReturnForm,
            _return,
        ),
        UiAction(
            "appraise",
            gettext_lazy("Appraise"),
            "appraise",
            "appraise",
            f.ActionForm,
            _simple(actions.dossier_appraise),
        ),
        UiAction(
            "put_on_agenda",
            gettext_lazy("Put on council agenda"),
            "put_on_agenda",
            "put_on_agenda",
            f.ActionForm,
            _simple(actions.dossier_put_on_agenda),
        ),
        UiAction(
            "prepare_decision",
            gettext_lazy("Prepare decision"),
            "prepare_decision",
            "prepare_decision",
            f.ActionForm,
            _simple(actions.dossier_prepare_decision),
        ),
        UiAction("sign", gettext_lazy("Sign"), "sign", "sign", f.ActionForm, _simple(actions.dossier_sign)),
        UiAction("award", gettext_lazy("Award"), "award", "award", f.AwardForm, _award),
        UiAction(
            "submit_to_province",
            gettext_lazy("Submit to province"),
            "submit_to_province",
            "submit_to_province",
            f.ActionForm,
            _simple(actions.dossier_submit_to_province),
        ),
        UiAction(
            "province_result",
            gettext_lazy("Record the province's result"),
            "province_result",
            "province_approve",
            f.ProvinceResultForm,
            _province,
        ),
        UiAction(
            "release_hold",
            gettext_lazy("Release hold"),
            "release_hold",
            "release_hold",
            f.ActionForm,
            _simple(actions.dossier_release_hold),
        ),
        UiAction(
            "mark_ineligible",
            gettext_lazy("Ineligible"),
            "mark_ineligible",
            "mark_ineligible",
            f.ReasonForm,
            _with_reason(actions.dossier_mark_ineligible),
            danger=True,
        ),
        UiAction(
            "hold",
            gettext_lazy("Put on hold"),
            "hold",
            "hold",
            f.ReasonForm,
            _with_reason(actions.dossier_hold),
            True,
        ),
        UiAction(
            "withdraw",
            gettext_lazy("Withdraw"),
            "withdraw",
            "withdraw",
            f.ActionForm,
            _simple(actions.dossier_withdraw),
            danger=True,
        ),
        UiAction(
            "revoke",
            gettext_lazy("Revoke (a decision)"),
            "revoke",
            "revoke",
            f.ReasonForm,
            _with_reason(actions.dossier_revoke),
            danger=True,
        ),
    )
}


def _transition_of(action: UiAction, dossier: Dossier) -> tuple[str, str]:
    if action.name == "submit" and dossier.status == DossierStatus.RETURNED:
        return "resubmit", "resubmit"
    return action.transition, action.perm


def _claimed_by_other(task: Any, user: Any, transition: str) -> bool:
    if task is None or task.owner_id in (None, user.pk):
        return False
    step = STEPS.get(task.flow_task.name)
    return bool(step and transition in step.outcomes)


def available_actions(
    user: Any, dossier: Dossier, task: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(actions the user may take now, with forms; actions their role has but cannot take now, with why)."""
    allowed, blocked = [], []
    for action in UI_ACTIONS.values():
        transition, perm = _transition_of(action, dossier)
        if not may_act(user, perm, authority_id=dossier.authority_id, unit_id=dossier.unit_id):
            continue
        if _claimed_by_other(task, user, transition):
            owner = person_name(task.owner)
            blocked.append(
                {"action": action, "reasons": [_("This task is claimed by %(user)s.") % {"user": owner}]}
            )
            continue
        if can_proceed(getattr(dossier, transition)):
            allowed.append(
                {"action": action, "form": action.form(initial={"expected_version": dossier.version})}
            )
        else:
            blocked.append({"action": action, "reasons": blocking_reasons(dossier, transition)})
    return allowed, blocked


@login_required
@require_POST
def dossier_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run exactly one action on one dossier."""
    dossier = _dossier_or_404(request.user, pk)
    ui = UI_ACTIONS.get(action)
    if ui is None:
        raise Http404
    form = ui.form(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the form: %(errors)s") % {"errors": _form_errors(form)})
        return redirect("workflows:dossier", pk=pk)
    data = dict(form.cleaned_data)
    if isinstance(form, f.ReturnForm):
        data["field_notes"] = form.field_notes()
    transition, _perm = _transition_of(ui, dossier)
    if _claimed_by_other(open_task_of(dossier.pk), request.user, transition):
        messages.error(request, _("Someone else has claimed this task."))
        return redirect("workflows:dossier", pk=pk)
    try:
        ui.call(request.user, dossier, data)
    except ActionError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": ui.label})
    return redirect("workflows:dossier", pk=pk)


def _form_errors(form: Any) -> str:
    return "; ".join(
        f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}" for k, v in form.errors.items()
    )


# --- dossier pages --------------------------------------------------------------------------------


def _proposer_units(user: Any) -> list[Unit]:
    ids = RoleAssignment.objects.filter(user=user, role=Role.PROPOSER, active=True).values_list(
        "unit_id", flat=True
    )
    return list(Unit.objects.filter(pk__in=list(ids)))


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    qs = dossiers_visible_to(request.user)
    params = request.GET
    filters = Filters.from_params(params)
    if filters.occasion:
        qs = qs.filter(occasion_id=filters.occasion)
    if filters.award_type:
        qs = qs.filter(award_type_id=filters.award_type)
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    if filters.state:
        qs = qs.filter(status=filters.state)
    for word in normalise_for_search(filters.q).split():
        qs = qs.filter(search_text__contains=word)
    after = params.get("after", "")
    if after.isdigit():
        qs = qs.filter(pk__lt=int(after))
    rows = list(qs.order_by("-pk")[:26])
    more = len(rows) > 25
    rows = rows[:25]
    return render(
        request,
        "workflows/dossier_list.html",
        {
            "rows": rows,
            "next_after": rows[-1].pk if more and rows else "",
            "filters": filters,
            "can_create": bool(_proposer_units(request.user)),
            **_filter_choices(request.user),
        },
    )


def _filter_choices(user: Any) -> dict[str, Any]:
    from nominations.selectors import authorities_for

    authority_ids = authorities_for(user)
    return {
        "occasions": list(
            Occasion.objects.filter(movement__authority_id__in=authority_ids).order_by("year", "kind")
        ),
        "award_types": list(AwardType.objects.filter(authority_id__in=authority_ids)),
        "units": list(Unit.objects.filter(authority_id__in=authority_ids).order_by("name")),
        "states": DossierStatus.choices,
    }


@login_required
def dossier_create(request: HttpRequest) -> HttpResponse:
    units = _proposer_units(request.user)
    if not units:
        raise Http404
    form = f.DossierCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = actions.dossier_create(
                actor=request.user,
                unit_id=data["unit"].pk,
                occasion_id=data["occasion"].pk,
                award_type_id=data["award_type"].pk,
                nominee_id=data["nominee"].pk,
                achievement_summary=data["achievement_summary"],
                content_area_ids=[a.pk for a in data["content_areas"]],
                criteria_group_id=data["criteria_group"].pk if data["criteria_group"] else None,
            )
        except ActionError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The dossier was created as a draft."))
            return redirect("workflows:dossier", pk=dossier.pk)
    return render(request, "workflows/dossier_form.html", {"form": form, "creating": True})


@login_required
def dossier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request.user, pk)
    initial = {
        "expected_version": dossier.version,
        "achievement_summary": dossier.achievement_summary,
        "content_areas": list(dossier.content_areas.values_list("pk", flat=True)),
        "criteria_group": dossier.criteria_group_id,
    }
    form = f.DossierEditForm(request.POST or None, initial=initial, movement_id=dossier.occasion.movement_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.dossier_update(
                actor=request.user,
                dossier_id=dossier.pk,
                expected_version=data["expected_version"],
                changes={
                    "achievement_summary": data["achievement_summary"],
                    "content_area_ids": [a.pk for a in data["content_areas"]],
                    "criteria_group_id": data["criteria_group"].pk if data["criteria_group"] else None,
                },
            )
        except ActionError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("workflows:dossier", pk=pk)
    return render(
        request,
        "workflows/dossier_form.html",
        {"form": form, "dossier": dossier, "creating": False, "notes": return_notes(dossier)},
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request.user, pk)
    form = f.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Please choose a file."))
        return redirect("workflows:dossier", pk=dossier.pk)
    try:
        att.attachment_add(
            actor=request.user,
            dossier_id=dossier.pk,
            expected_version=form.cleaned_data["expected_version"],
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
        )
    except (ActionError, att.AttachmentRejected) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The file was attached."))
    return redirect("workflows:dossier", pk=dossier.pk)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    dossier = _dossier_or_404(request.user, pk)
    try:
        att.attachment_remove(
            actor=request.user,
            dossier_id=dossier.pk,
            expected_version=int(request.POST.get("expected_version") or 0),
            attachment_id=attachment_id,
        )
    except ActionError as exc:
        _error(request, exc)
    return redirect("workflows:dossier", pk=dossier.pk)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Served only to users who may see the dossier; always as a download, never rendered inline."""
    from nominations.models import Attachment

    dossier_id = Attachment.objects.filter(pk=attachment_id).values_list("dossier_id", flat=True).first()
    if dossier_id is None:
        raise Http404
    dossier = _dossier_or_404(request.user, dossier_id)
    attachment = dossier.attachments.get(pk=attachment_id)
    try:
        path = att.storage_path(attachment.storage_name)
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except (OSError, att.AttachmentRejected) as exc:
        raise Http404 from exc
    ledger_record_download(
        actor=request.user,
        dossier=dossier,
        payload={"attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256},
    )
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _quota_position(dossier: Dossier) -> dict[str, Any] | None:
    quota = QuotaLedger.objects.filter(
        occasion_id=dossier.occasion_id,
        award_type_id=dossier.award_type_id,
        nominee_kind=dossier.nominee_kind,
    ).first()
    if quota is None:
        return None
    return {"quota": quota, "holds_seat": QuotaSeat.objects.filter(dossier=dossier).exists()}


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request.user, pk)
    task = open_task_of(dossier.pk)
    allowed, blocked = available_actions(request.user, dossier, task)
    roles = roles_of(request.user, dossier.authority_id)
    editable = dossier.status in att.EDITABLE_STATES and may_act(
        request.user, "update", authority_id=dossier.authority_id, unit_id=dossier.unit_id
    )
    tokens = queue_tokens(request.user)
    task_ctx = None
    if task is not None:
        can_claim = task.status == STATUS.NEW and task.owner_id is None and task.owner_permission in tokens
        head = roles.has(Role.OFFICE_HEAD) and (task.owner_permission or "").split(":")[0] in (
            "office",
            "award",
        )
        colleagues = []
        if head:
            colleagues = list(
                get_user_model()
                .objects.filter(
                    roles__authority_id=dossier.authority_id,
                    roles__role__in=[Role.REVIEWER, Role.OFFICE_HEAD],
                    roles__active=True,
                )
                .distinct()
                .order_by("username")
            )
        task_ctx = {
            "task": task,
            "step": STEPS.get(task.flow_task.name),
            "due": dossier.due_on,
            "can_claim": can_claim,
            "can_release": task.status == STATUS.ASSIGNED and task.flow_task.can_unassign(request.user, task),
            "can_reassign": head,
            "colleagues": colleagues,
        }
    context = {
        "dossier": dossier,
        "status_label": DossierStatus(dossier.status).label,
        "task": task_ctx,
        "allowed": allowed,
        "blocked": blocked,
        "editable": editable,
        "attachment_form": f.AttachmentForm(initial={"expected_version": dossier.version}),
        "attachments": list(dossier.attachments.select_related("uploaded_by").order_by("id")),
        "versions": list(
            DossierVersion.objects.filter(dossier=dossier).select_related("actor").order_by("-version")
        ),
        "history": _history(dossier),
        "diagram": mark_safe(  # noqa: S308 - built by lifecycle_svg, which escapes every text it writes
            lifecycle_svg(model=Dossier, current=str(dossier.status), title=_("Lifecycle of the dossier"))
        ),
        "quota": _quota_position(dossier),
        "notes": return_notes(dossier) if dossier.status == DossierStatus.RETURNED else None,
        "diff": changes_since_last_review(dossier) if dossier.status != DossierStatus.RETURNED else None,
        "content_areas": list(dossier.content_areas.order_by("number")),
    }
    return render(request, "workflows/dossier_detail.html", context)


HISTORY_LABELS = {
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Edited"),
    "attachment_add": gettext_lazy("File attached"),
    "attachment_remove": gettext_lazy("File removed"),
    "council_record": gettext_lazy("Council result recorded"),
    "council_tie": gettext_lazy("Tie at the quota limit"),
    "escalate_overdue": gettext_lazy("Overdue: escalated to the office head"),
}


def _state_label(state: str) -> str:
    return str(DossierStatus(state).label) if state in DossierStatus.values else state


def _history(dossier: Dossier) -> list[dict[str, Any]]:
    from nominations.states import TRANSITION_LABELS

    return [
        {
            "event": e,
            "label": HISTORY_LABELS.get(e.action) or TRANSITION_LABELS.get(e.action) or e.action,
            "from_label": _state_label(e.from_state),
            "to_label": _state_label(e.to_state),
        }
        for e in AuditEvent.objects.filter(dossier_id=dossier.pk).order_by("chain_seq")
    ]


@login_required
def dossier_version(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    dossier = _dossier_or_404(request.user, pk)
    snap = DossierVersion.objects.filter(dossier=dossier, version=version).select_related("actor").first()
    if snap is None:
        raise Http404
    status = snap.status
    return render(
        request,
        "workflows/dossier_version.html",
        {
            "dossier": dossier,
            "snap": snap,
            "status_label": DossierStatus(status).label if status in DossierStatus.values else status,
        },
    )


# --- inbox, queue, archive ------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("tab", "mine")
    if kind not in KINDS:
        kind = "mine"
    filters = Filters.from_params(request.GET)
    page = inbox_page(user=request.user, kind=kind, filters=filters, cursor=request.GET.get("cursor", ""))
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "workflows/inbox.html",
        {
            "tab": kind,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "tabs": [("mine", _("My tasks")), ("queue", _("Queue")), ("done", _("Done"))],
            **_filter_choices(request.user),
        },
    )


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or fallback
    if not target.startswith("/") or target.startswith("//"):
        target = fallback
    return redirect(target)


def _task_move(request: HttpRequest, move: Any, done: str) -> HttpResponse:
    """Run one claim/release/reassign; its refusal becomes a message, then back to the list."""
    try:
        move()
    except ActionError as exc:
        _error(request, exc)
    else:
        messages.success(request, done)
    return _back(request, reverse("workflows:inbox"))


@login_required
@require_POST
def task_claim_view(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_move(
        request, lambda: task_claim(actor=request.user, task_id=task_id), _("You have claimed the task.")
    )


@login_required
@require_POST
def task_release_view(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_move(
        request,
        lambda: task_release(actor=request.user, task_id=task_id),
        _("The task is back in the queue."),
    )


@login_required
@require_POST
def task_reassign_view(request: HttpRequest, task_id: int) -> HttpResponse:
    def reassign() -> None:
        target = get_user_model().objects.filter(pk=request.POST.get("user") or 0).first()
        if target is None:
            raise ActionError("validation_error", _("Choose a person."))
        task_reassign(actor=request.user, task_id=task_id, to_user=target)

    return _task_move(request, reassign, _("The task was reassigned."))


@login_required
@require_POST
def task_bulk_claim_view(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("task") if i.isdigit()]
    result = task_bulk_claim(actor=request.user, task_ids=ids)
    if result["claimed"]:
        messages.success(request, _("Claimed %(n)s tasks.") % {"n": len(result["claimed"])})
    if result["failed"]:
        messages.error(request, _("%(n)s tasks could not be claimed.") % {"n": len(result["failed"])})
    return _back(request, reverse("workflows:inbox") + "?tab=queue")


@login_required
def task_page(request: HttpRequest, task_id: int) -> HttpResponse:
    """A task is worked on its dossier's page (the actions there complete it)."""
    from viewflow.workflow.models import Task

    task = Task.objects.filter(pk=task_id, flow_task_type="HUMAN").select_related("process").first()
    dossier_id = getattr(getattr(task.process, "dossierprocess", None), "dossier_id", None) if task else None
    if dossier_id is None:
        raise Http404
    _dossier_or_404(request.user, dossier_id)
    return redirect(reverse("workflows:dossier", kwargs={"pk": dossier_id}) + "#task")


# --- the secretary's paper tally ------------------------------------------------------------------


@login_required
def council_tally(request: HttpRequest) -> HttpResponse:
    """Vote counts from a paper ballot session, typed in by the secretary; one call of
    council_result_record for the whole agenda."""
    authority_ids = list(
        RoleAssignment.objects.filter(
            user_id=request.user.pk or 0, role=Role.SECRETARY, active=True
        ).values_list("authority_id", flat=True)
    )
    if not authority_ids:
        raise Http404
    agenda = list(
        dossiers_visible_to(request.user)
        .filter(Q(status=DossierStatus.ON_AGENDA), authority_id__in=authority_ids)
        .order_by("award_type__order", "pk")
    )
    results = None
    head = f.TallyHeadForm(request.POST or None)
    if request.method == "POST" and head.is_valid():
        tallies = []
        for d in agenda:
            if request.POST.get(f"include_{d.pk}") != "on":
                continue
            row = f.TallyRowForm(
                {
                    "dossier_id": d.pk,
                    **{
                        k: request.POST.get(f"{k}_{d.pk}")
                        for k in ("issued", "returned", "valid", "agreeing")
                    },
                }
            )
            if not row.is_valid():
                messages.error(request, _("Check the counts for %(nominee)s.") % {"nominee": d.nominee.name})
                return redirect("workflows:council_tally")
            tallies.append({**row.cleaned_data, "expected_version": d.version})
        try:
            results = actions.council_result_record(
                actor=request.user,
                authority_id=agenda[0].authority_id if agenda else authority_ids[0],
                members_present=head.cleaned_data["members_present"],
                tallies=tallies,
                session_ref=head.cleaned_data["session_ref"],
            )
        except ActionError as exc:
            _error(request, exc)
            return redirect("workflows:council_tally")
        names = {d.pk: d for d in agenda}
        for r in results:
            r["dossier"] = names.get(r["dossier_id"])
            r["outcome_label"] = (
                CouncilOutcome(r["outcome"]).label if r["outcome"] in CouncilOutcome.values else ""
            )
        messages.success(request, _("The council result was recorded."))
    return render(
        request, "workflows/council_tally.html", {"agenda": agenda, "head": head, "results": results}
    )
