"""Scoped reads. Every dossier a user sees — page, API, inbox — comes through here."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nominations.models import Dossier, Role
from nominations.states import DossierStatus

from .errors import not_found
from .permissions import READ_ALL_ROLES, active_role_rows


def dossier_scope(user: Any) -> Q:
    """A Q that matches exactly the dossiers this user may read (matches nothing for strangers)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    scope = Q(pk__in=[])
    for authority_id, role, unit_id in active_role_rows(user):
        if role in READ_ALL_ROLES:
            scope |= Q(authority_id=authority_id)
        elif role == Role.PROPOSER and unit_id:
            scope |= Q(authority_id=authority_id, unit_id=unit_id)
        elif role == Role.COUNCIL_MEMBER:
            scope |= Q(authority_id=authority_id, status=DossierStatus.ON_AGENDA)
    return scope


def dossiers_visible_to(user: Any) -> QuerySet[Dossier]:
    return Dossier.objects.filter(dossier_scope(user)).select_related(
        "occasion", "award_type", "unit", "nominee", "criteria_group"
    )


def dossier_for(user: Any, dossier_id: int) -> Dossier:
    """The dossier if the user may see it; otherwise the same not-found error as a missing one."""
    dossier = dossiers_visible_to(user).filter(pk=dossier_id).first()
    if dossier is None:
        raise not_found()
    return dossier
