"""The inbox page and the JSON endpoints the bell uses. Every read is scoped to request.user."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

PAGE_SIZE = 50


def json_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A script gets 401 JSON rather than a redirect to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"error": "not_authenticated", "message": _("Please log in.")}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


def _uid(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _posted_ids(request: HttpRequest) -> list[int]:
    if request.content_type == "application/json":
        try:
            raw = json.loads(request.body or b"{}").get("ids", [])
        except (ValueError, AttributeError):
            raw = []
    else:
        raw = request.POST.getlist("ids")
    ids: list[int] = []
    for value in raw if isinstance(raw, list) else []:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids


@require_GET
@json_login_required
def since(request: HttpRequest, seq: int) -> JsonResponse:
    uid = _uid(request)
    rows = selectors.notifications_since(user_id=uid, seq=seq, limit=selectors.FETCH_LIMIT + 1)
    more = len(rows) > selectors.FETCH_LIMIT
    rows = rows[: selectors.FETCH_LIMIT]
    return JsonResponse(
        {
            "items": [selectors.as_json(r) for r in rows],
            "more": more,
            "unread": selectors.unread_count(user_id=uid),
            "last_seq": rows[-1].seq if rows else seq,
        }
    )


@require_GET
@json_login_required
def unread(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"unread": selectors.unread_count(user_id=_uid(request))})


def _done(request: HttpRequest, changed: int) -> HttpResponse:
    if request.content_type == "application/json" or request.headers.get("accept", "").startswith(
        "application/json"
    ):
        return JsonResponse({"marked": changed, "unread": selectors.unread_count(user_id=_uid(request))})
    return redirect("notifications:list")


@require_POST
@json_login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    return _done(request, services.mark_read(user_id=_uid(request), ids=_posted_ids(request)))


@require_POST
@json_login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    return _done(request, services.mark_all_read(user_id=_uid(request)))


@require_POST
@login_required
def email_digest(request: HttpRequest) -> HttpResponse:
    services.set_email_digest(user_id=_uid(request), enabled=request.POST.get("enabled") == "1")
    return redirect("notifications:list")


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first, keyset-paginated by seq (no OFFSET, no COUNT over the whole table)."""
    uid = _uid(request)
    rows = selectors.notifications_for(user_id=uid).order_by("-seq")
    before = request.GET.get("before", "")
    if before.isdigit():
        rows = rows.filter(seq__lt=int(before))
    page = list(rows[: PAGE_SIZE + 1])
    older = page[PAGE_SIZE - 1].seq if len(page) > PAGE_SIZE else None
    return render(
        request,
        "notifications/list.html",
        {
            "items": page[:PAGE_SIZE],
            "older": older,
            "unread": selectors.unread_count(user_id=uid),
            "email_digest": selectors.digest_enabled(user_id=uid),
        },
    )
