"""Quota arithmetic. Seats move only by conditional F() updates, so they cannot be oversold."""

from __future__ import annotations

from django.db.models import F

from .models import Dossier, QuotaLedger, QuotaSeat


class QuotaFull(Exception):
    def __init__(self, quota: QuotaLedger | None, message: str = "") -> None:
        super().__init__(message or "quota full")
        self.quota = quota


def quota_for(dossier: Dossier) -> QuotaLedger | None:
    return QuotaLedger.objects.filter(
        occasion_id=dossier.occasion_id,
        award_type_id=dossier.award_type_id,
        nominee_kind=dossier.nominee_kind,
    ).first()


def quota_seat_take(*, dossier: Dossier) -> QuotaSeat | None:
    """Take one seat for this dossier: one conditional UPDATE; 0 rows means the quota is full.

    Must run inside the caller's transaction with the dossier row locked.
    """
    existing = QuotaSeat.objects.filter(dossier=dossier).select_related("quota").first()
    if existing is not None:
        return existing
    if not dossier.award_type.quota_limited:
        return None  # no fixed number (state-level awards): nothing to count
    quota = quota_for(dossier)
    if quota is None:
        raise QuotaFull(None)
    taken = QuotaLedger.objects.filter(pk=quota.pk, used__lt=F("limit")).update(used=F("used") + 1)
    if taken == 0:
        raise QuotaFull(quota)
    return QuotaSeat.objects.create(dossier=dossier, quota=quota)


def quota_seat_release(*, dossier: Dossier) -> bool:
    """Give back exactly the seat this dossier holds, if any."""
    seat = QuotaSeat.objects.filter(dossier=dossier).first()
    if seat is None:
        return False
    QuotaLedger.objects.filter(pk=seat.quota_id, used__gt=0).update(used=F("used") - 1)
    seat.delete()
    return True
