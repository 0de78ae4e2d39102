"""Who may do what: roles come from RoleAssignment, scoped to an authority and (for units) a unit."""

from __future__ import annotations

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


def roles_of(user: Any, authority_id: int) -> Roles:
    if user is None or not user.is_authenticated or not user.is_active:
        return Roles()
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
