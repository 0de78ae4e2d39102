"""Template context: the roles the signed-in user holds, so the menu shows only what they can use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from nominations.models import RoleAssignment


def nav_roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": frozenset()}
    roles = set(RoleAssignment.objects.filter(user=user, active=True).values_list("role", flat=True))
    if user.is_superuser:
        roles.add("admin")
    return {"nav_roles": frozenset(roles)}
