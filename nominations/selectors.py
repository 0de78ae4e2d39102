"""Read-side helpers of the domain that are not scoped per dossier (plan, occasions, quotas)."""

from __future__ import annotations

from typing import Any

from .models import Authority, Movement, QuotaLedger, RoleAssignment


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
    quotas = list(
        QuotaLedger.objects.filter(occasion__movement__in=movements)
        .select_related("occasion", "award_type")
        .order_by("occasion__year", "occasion__kind", "award_type__order", "nominee_kind")
    )
    by_occasion: dict[int, dict[str, Any]] = {}
    for q in quotas:
        entry = by_occasion.setdefault(q.occasion_id, {"occasion": q.occasion, "quotas": []})
        entry["quotas"].append(q)
    return {"movements": movements, "occasions": list(by_occasion.values())}
