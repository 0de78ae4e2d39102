"""The chair's decision on ties at the quota limit (DOMAIN.md §4: what is still tied goes to the chair).

One page lists the dossiers the council left tied, grouped by the quota they compete for; the chair
ticks the ones that take the remaining seats. The page calls exactly one action: council_tie_break.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nominations.models import CouncilOutcome, CouncilTally, Role
from nominations.quotas import quota_for
from nominations.states import DossierStatus

from .actions import council_tie_break
from .errors import ActionError
from .permissions import roles_of
from .selectors import dossiers_visible_to


def tied_dossiers(user: Any) -> list[dict[str, Any]]:
    """Dossiers on the agenda whose latest count is a tie for the chair, grouped by quota."""
    latest = CouncilTally.objects.filter(dossier=OuterRef("pk")).order_by("-recorded_at", "-id")
    rows = (
        dossiers_visible_to(user)
        .filter(status=DossierStatus.ON_AGENDA)
        .annotate(
            last_outcome=Subquery(latest.values("outcome")[:1]),
            agreeing=Subquery(latest.values("agreeing")[:1]),
        )
        .filter(last_outcome=CouncilOutcome.TIE_TO_CHAIR)
        .order_by("award_type__order", "nominee__name")
    )
    groups: dict[int, dict[str, Any]] = {}
    for d in rows:
        if not roles_of(user, d.authority_id).has(Role.CHAIR):
            continue
        quota = quota_for(d)
        key = quota.pk if quota else 0
        groups.setdefault(key, {"quota": quota, "dossiers": []})["dossiers"].append(d)
    return list(groups.values())


@login_required
@require_http_methods(["GET", "POST"])
def tie_decisions(request: HttpRequest) -> HttpResponse:
    groups = tied_dossiers(request.user)
    if not groups and request.method == "POST":
        raise Http404
    if request.method == "POST":
        candidates = [d.pk for g in groups for d in g["dossiers"]]
        try:
            chosen = [int(x) for x in request.POST.getlist("chosen")]
            council_tie_break(actor=request.user, chosen_ids=chosen, candidate_ids=candidates)
        except (ValueError, ActionError) as exc:
            messages.error(request, str(getattr(exc, "message", _("The request is not valid."))))
        else:
            messages.success(request, _("The tie has been decided."))
            return redirect("workflows:tie_decisions")
    return render(request, "workflows/tie_decisions.html", {"groups": groups})
