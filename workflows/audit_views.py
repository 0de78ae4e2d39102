"""The auditor's workspace: read-only views over the ledger (timeline, event list, as-of, verifier, export).

Only users with an active "auditor" role (or superusers) get in; every view answers GET/HEAD only, so
an auditor cannot change anything from here. Lists use keyset pagination on the event id (newest
first, `?before=<id>`) and never count rows, so a page costs the same at ten thousand or millions.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from nominations.models import Dossier, QuotaLedger, Role, RoleAssignment, Unit
from nominations.states import DossierStatus

from .checkpoints import latest_checkpoint
from .flows import STEPS
from .ledger import dossier_chain, ledger_export_lines, ledger_verify_live
from .models import AuditEvent
from .timetravel import (
    council_session_as_of,
    dossier_as_of,
    inbox_as_of,
    member_ballots_as_of,
    quota_used_as_of,
)

PAGE_SIZE = 50


def is_auditor(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return RoleAssignment.objects.filter(user=user, role=Role.AUDITOR, active=True).exists()


def auditor_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed in, an auditor (or superuser), and only reading."""

    @login_required
    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_auditor(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class EventFilter(forms.Form):
    actor = forms.CharField(label=_("Actor (user name)"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=60)
    dossier = forms.IntegerField(label=_("Dossier number"), required=False, min_value=1)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.order_by("name"), required=False)
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def events(self) -> QuerySet[AuditEvent]:
        """The filtered events (unordered, unpaged). Call after is_valid()."""
        data = self.cleaned_data if self.is_valid() else {}
        qs = AuditEvent.objects.all()
        if data.get("actor"):
            # Through the user id, so the (actor, id) index serves the page.
            user_ids = list(
                get_user_model().objects.filter(username=data["actor"]).values_list("pk", flat=True)
            )
            qs = qs.filter(actor_id__in=user_ids) if user_ids else qs.filter(actor_name=data["actor"])
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("dossier"):
            qs = qs.filter(dossier_id=data["dossier"])
        if data.get("unit"):
            qs = qs.filter(unit_id=data["unit"].pk)
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            qs = qs.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz))
        if data.get("date_to"):
            qs = qs.filter(
                at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            )
        return qs

    def by_time(self) -> bool:
        """A date range is asked for: the list is then paged by (at, id), which its index serves."""
        data = self.cleaned_data if self.is_valid() else {}
        return bool(data.get("date_from") or data.get("date_to"))

    def page(self) -> tuple[list[AuditEvent], int | None]:
        before = self.cleaned_data.get("before") if self.is_valid() else None
        return events_page(self.events(), before=before, by_time=self.by_time())


def events_page(
    qs: QuerySet[AuditEvent], *, before: int | None, by_time: bool = False
) -> tuple[list[AuditEvent], int | None]:
    """One page, newest first, and the cursor of the next (older) page or None. No COUNT(*).

    Newest first is by id (the (filter, id) indexes serve it); within a date range it is by (at, id),
    so the (at, id) index serves the page instead of sorting the whole range. The two orders differ
    only for events appended at the same moment by concurrent transactions. The cursor is an event id
    either way."""
    if by_time:
        if before:
            moment = AuditEvent.objects.filter(pk=before).values_list("at", flat=True).first()
            qs = (
                qs.filter(TupleLessThan(Tuple("at", "id"), (moment, before)))
                if moment is not None
                else qs.none()
            )
        rows = list(qs.order_by("-at", "-id")[: PAGE_SIZE + 1])
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        return rows, (rows[-1].pk if more and rows else None)
    if before:
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].pk if more and rows else None)


def _query_without(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


@auditor_only
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilter(request.GET or None)
    before = form.cleaned_data.get("before") if form.is_valid() else None
    rows, next_before = form.page()
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "events": rows,
            "next_before": next_before,
            "base_query": _query_without(request, "before"),
            "is_first_page": not before,
        },
    )


@auditor_only
def dossier_timeline(request: HttpRequest, dossier_id: int) -> HttpResponse:
    events = list(AuditEvent.objects.filter(chain=dossier_chain(dossier_id)).order_by("chain_seq"))
    at_text = request.GET.get("at", "")
    as_of = None
    if at_text:
        at = _parse_moment(at_text)
        if at is not None:
            as_of = dossier_as_of(dossier_id=dossier_id, at=at)
    return render(
        request,
        "audit/dossier.html",
        {"dossier_id": dossier_id, "events": events, "as_of": as_of, "at_text": at_text},
    )


def _parse_moment(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


# Payload keys the actions record that are not Dossier fields.
_PAYLOAD_LABELS = {
    "reason": _("Reason"),
    "note": _("Note"),
    "field_notes": _("Notes per field"),
    "decision_number": _("Decision number"),
    "golden_book_number": _("Golden book number"),
}


def _field_label(key: str) -> str:
    """A recorded field's name for the page: the Dossier field's own label where there is one."""
    if key in _PAYLOAD_LABELS:
        return str(_PAYLOAD_LABELS[key])
    try:
        field = Dossier._meta.get_field(key)
    except FieldDoesNotExist:
        return key
    # A foreign key without its own verbose_name gets a plain (untranslated) one from its model's name;
    # that name ("award type", "nominee") is a msgid of the related model's verbose_name.
    return gettext(str(getattr(field, "verbose_name", key)))


@auditor_only
def as_of(request: HttpRequest) -> HttpResponse:
    at_text = request.GET.get("at", "")
    at = _parse_moment(at_text) if at_text else None
    quotas = []
    if at is not None:
        for quota in QuotaLedger.objects.select_related("occasion", "award_type").order_by("pk"):
            then = quota_used_as_of(quota_id=quota.pk, at=at)
            if then or quota.used:
                quotas.append({"quota": quota, "used_then": then})
    dossier = None
    dossier_text = request.GET.get("dossier", "")
    if at is not None and dossier_text.isdigit():
        dossier = dossier_as_of(dossier_id=int(dossier_text), at=at)
    # A council session, and what one member had before her at each of her ballots.
    session = ballots = None
    session_text = request.GET.get("session", "").strip()
    member_text = request.GET.get("member", "").strip()
    users = get_user_model().objects
    if at is not None and session_text.isdigit():
        session = council_session_as_of(session_id=int(session_text), at=at)
        member = users.filter(username=member_text).first() if member_text else None
        if member is not None:
            ballots = member_ballots_as_of(session_id=int(session_text), member_id=member.pk, at=at)
    # A user's inbox: the tasks held by or waiting for them.
    inbox = inbox_user = None
    user_text = request.GET.get("user", "").strip()
    if at is not None and user_text:
        inbox_user = users.filter(username=user_text).first()
        if inbox_user is not None:
            inbox = inbox_as_of(user_id=inbox_user.pk, at=at)
    status_labels = dict(DossierStatus.choices)
    dossier_fields = [
        (_field_label(key), value) for key, value in (dossier.fields if dossier else {}).items()
    ]
    names = {}
    if session is not None:
        wanted = {
            *session.members,
            *(session.present or []),
            *([session.chair_id] if session.chair_id else []),
        }
        names = {u.pk: u for u in users.filter(pk__in=wanted)}
    return render(
        request,
        "audit/as_of.html",
        {
            "at_text": at_text,
            "at": at,
            "quotas": quotas,
            "dossier": dossier,
            "dossier_text": dossier_text,
            "dossier_fields": dossier_fields,
            "session": session,
            "session_text": session_text,
            "session_members": [names[m] for m in session.members if m in names] if session else [],
            "session_present": [names[m] for m in session.present or [] if m in names] if session else [],
            "session_chair": names.get(session.chair_id) if session and session.chair_id else None,
            "member_text": member_text,
            "ballots": ballots,
            "user_text": user_text,
            "inbox_user": inbox_user,
            "inbox": inbox,
            "inbox_rows": [
                {
                    "task": t,
                    "step": STEPS[t.step].title if t.step in STEPS else t.step,
                    "status": status_labels.get(t.status, t.status),
                }
                for t in (inbox.tasks if inbox else [])
            ],
        },
    )


@auditor_only
def verify(request: HttpRequest) -> HttpResponse:
    report = ledger_verify_live()
    return render(request, "audit/verify.html", {"report": report, "checkpoint": latest_checkpoint()})


CSV_COLUMNS = (
    "id", "at", "chain", "seq", "actor", "acting_for", "action", "dossier_id", "unit_id",
    "from_state", "to_state", "payload", "seen_hash", "prev_hash", "hash",
)  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def _csv_rows(qs: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)  # BOM: Excel reads the Vietnamese as UTF-8
    for e in qs.order_by("id").iterator(chunk_size=2000):
        yield writer.writerow(
            [
                _cell(v)
                for v in (
                    e.pk, e.at.isoformat(), e.chain, e.chain_seq, e.actor_name, e.acting_for, e.action,
                    e.dossier_id, e.unit_id, e.from_state, e.to_state,
                    json.dumps(e.payload, ensure_ascii=False, sort_keys=True), e.seen_hash, e.prev_hash, e.hash,
                )
            ]
        )  # fmt: skip


@auditor_only
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    form = EventFilter(request.GET or None)
    response = StreamingHttpResponse(_csv_rows(form.events()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response


@auditor_only
def export_jsonl(request: HttpRequest) -> StreamingHttpResponse:
    form = EventFilter(request.GET or None)
    filtered = bool(request.GET and any(v for k, v in request.GET.items() if k != "before"))
    lines = ledger_export_lines(events=form.events() if filtered else None)
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-events.jsonl"'
    return response
