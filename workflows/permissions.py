"""Who may do what: roles come from RoleAssignment, scoped to an authority and (for units) a unit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from nominations.models import Role, RoleAssignment

OFFICE_ROLES = frozenset({Role.REVIEWER, Role.OFFICE_HEAD})
READ_ALL_ROLES = frozenset(
    {Role.REVIEWER, Role.OFFICE_HEAD, Role.SECRETARY, Role.CHAIR, Role.CLERK, Role.AUDITOR, Role.ADMIN}
)

# Which roles may run each action (the FSM then says whether the dossier's state allows it).
ACTION_ROLES: dict[str, frozenset[str]] = {
    "create": frozenset({Role.PROPOSER}),
    "update": frozenset({Role.PROPOSER}),
    "submit": frozenset({Role.PROPOSER}),
    "resubmit": frozenset({Role.PROPOSER}),
    "withdraw": frozenset({Role.PROPOSER}),
    "return_for_supplement": OFFICE_ROLES,
    "receive": OFFICE_ROLES,
    "appraise": OFFICE_ROLES,
    "mark_ineligible": OFFICE_ROLES,
    "put_on_agenda": OFFICE_ROLES,
    "council_record": frozenset({Role.SECRETARY}),
    "prepare_decision": OFFICE_ROLES,
    "sign": frozenset({Role.CHAIR}),
    "award": frozenset({Role.CLERK, Role.REVIEWER, Role.OFFICE_HEAD}),
    "submit_to_province": OFFICE_ROLES,
    "province_result": OFFICE_ROLES,
    "hold": OFFICE_ROLES,
    "release_hold": OFFICE_ROLES,
    "revoke": frozenset({Role.CHAIR}),
}
# Actions a unit proposer takes only on the dossiers of their own unit.
UNIT_SCOPED = frozenset({"create", "update", "submit", "resubmit", "withdraw"})


@dataclass(frozen=True)
class Roles:
    """A user's active roles in one authority, and the units they act for as a proposer."""

    roles: frozenset[str] = frozenset()
    proposer_units: frozenset[int] = frozenset()
    member_units: frozenset[int] = field(default_factory=frozenset)

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


RoleRow = tuple[int, str, int | None]  # authority_id, role, unit_id

# Inside one action the actor's role rows are read once and reused (scope, permission, queue tokens).
_ROLE_ROWS: ContextVar[dict[int, list[RoleRow]] | None] = ContextVar("thidua_role_rows", default=None)


@contextmanager
def role_rows_once() -> Iterator[None]:
    """Within this block each user's active role rows are read from the database at most once.

    Used around one action (one transaction): roles do not change in the middle of it, and reading
    them once instead of three times is the same answer at a third of the cost."""
    token = _ROLE_ROWS.set({})
    try:
        yield
    finally:
        _ROLE_ROWS.reset(token)


def active_role_rows(user: Any) -> list[RoleRow]:
    """(authority_id, role, unit_id) of the user's active role assignments."""
    cache = _ROLE_ROWS.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    rows: list[RoleRow] = list(
        RoleAssignment.objects.filter(user=user, active=True).values_list("authority_id", "role", "unit_id")
    )
    if cache is not None:
        cache[user.pk] = rows
    return rows


def roles_of(user: Any, authority_id: int) -> Roles:
    if user is None or not user.is_authenticated or not user.is_active:
        return Roles()
    if _ROLE_ROWS.get() is not None:
        rows = [(r, u) for a, r, u in active_role_rows(user) if a == authority_id]
    else:
        rows = list(
            RoleAssignment.objects.filter(user=user, authority_id=authority_id, active=True).values_list(
                "role", "unit_id"
            )
        )
    return Roles(
        roles=frozenset(r for r, _u in rows),
        proposer_units=frozenset(u for r, u in rows if r == Role.PROPOSER and u),
        member_units=frozenset(u for r, u in rows if r == Role.COUNCIL_MEMBER and u),
    )


def may_act(user: Any, action: str, *, authority_id: int, unit_id: int | None) -> bool:
    roles = roles_of(user, authority_id)
    allowed = ACTION_ROLES.get(action, frozenset())
    if not roles.roles.intersection(allowed):
        return False
    if action in UNIT_SCOPED:
        return unit_id in roles.proposer_units
    return True
