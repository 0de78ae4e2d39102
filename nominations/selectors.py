"""Read-side helpers of the domain that are not scoped per dossier (plan, occasions, quotas)."""

from __future__ import annotations

from typing import Any

from .models import Authority, Movement, Occasion, QuotaLedger, RoleAssignment


def authorities_for(user: Any) -> list[int]:
    if user.is_superuser:
        return list(Authority.objects.values_list("pk", flat=True))
    return list(
        RoleAssignment.objects.filter(user=user, active=True)
        .values_list("authority_id", flat=True)
        .distinct()
    )


def movement_overview(*, user: Any) -> dict[str, Any]:
    authority_ids = authorities_for(user)
    movements = list(
        Movement.objects.filter(authority_id__in=authority_ids)
        .select_related("authority")
        .order_by("starts_on")
    )
    # Every occasion of the movements, with or without quota rows (e.g. one just added in the admin).
    occasions = Occasion.objects.filter(movement__in=movements).order_by("year", "kind", "window_opens")
    by_occasion: dict[int, dict[str, Any]] = {occ.pk: {"occasion": occ, "quotas": []} for occ in occasions}
    quotas = (
        QuotaLedger.objects.filter(occasion__in=list(by_occasion))
        .select_related("award_type")
        .order_by("award_type__order", "nominee_kind")
    )
    for q in quotas:
        entry = by_occasion[q.occasion_id]
        q.occasion = entry["occasion"]
        entry["quotas"].append(q)
    return {"movements": movements, "occasions": list(by_occasion.values())}
