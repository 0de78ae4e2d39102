"""Helpers to build dossiers through the real actions (tests use these instead of poking models)."""

from __future__ import annotations

from typing import Any

from nominations.models import AwardType, ContentArea, Nominee, Occasion, Role, RoleAssignment, Unit
from workflows import actions


def occasion(code: str = "hang-nam-2026") -> Occasion:
    return Occasion.objects.get(code=code)


def award(code: str = "giay-khen-xa") -> AwardType:
    return AwardType.objects.get(code=code)


def proposer_for(unit: Unit, username: str | None = None):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    name = username or f"p-{unit.code}"
    user, _ = User.objects.get_or_create(username=name)
    RoleAssignment.objects.get_or_create(
        user=user, authority=unit.authority, role=Role.PROPOSER, defaults={"unit": unit}
    )
    return user


def nominee(unit: Unit, name: str, kind: str = "individual", **extra: Any) -> Nominee:
    return Nominee.objects.create(unit=unit, name=name, kind=kind, **extra)


def draft(
    *,
    actor,
    unit: Unit,
    nominee_obj: Nominee,
    award_code: str = "giay-khen-xa",
    occasion_code: str = "hang-nam-2026",
    summary: str = "Triển khai ứng dụng số trong thôn.",
):
    area = ContentArea.objects.filter(movement=occasion(occasion_code).movement).order_by("number").first()
    return actions.dossier_create(
        actor=actor,
        unit_id=unit.pk,
        occasion_id=occasion(occasion_code).pk,
        award_type_id=award(award_code).pk,
        nominee_id=nominee_obj.pk,
        achievement_summary=summary,
        content_area_ids=[area.pk] if area else [],
    )


def to_agenda(dossier, *, proposer, reviewer):
    """draft -> submitted -> received -> appraised -> on_agenda through the actions."""
    d = actions.dossier_submit(actor=proposer, dossier_id=dossier.pk, expected_version=dossier.version)
    d = actions.dossier_receive(actor=reviewer, dossier_id=d.pk, expected_version=d.version)
    d = actions.dossier_appraise(actor=reviewer, dossier_id=d.pk, expected_version=d.version)
    return actions.dossier_put_on_agenda(actor=reviewer, dossier_id=d.pk, expected_version=d.version)


def fresh(dossier):
    """Reload (django-fsm-2 forbids refresh_from_db on a protected field)."""
    return type(dossier).objects.get(pk=dossier.pk)
