"""The dossier lifecycle (DOMAIN.md §3): the one transition table, as django-fsm-2 transitions.

Transitions change the state and check guards, nothing else: who may call them, the audit record and
notifications belong to the actions in workflows. Each guard carries the sentence that explains to a
user why a move is not possible now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, transition

if TYPE_CHECKING:
    from .models import Dossier


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for supplement")
    RECEIVED = "received", _("Received")
    APPRAISED = "appraised", _("Appraised")
    ON_AGENDA = "on_agenda", _("On council agenda")
    COUNCIL_APPROVED = "council_approved", _("Council approved")
    COUNCIL_REJECTED = "council_rejected", _("Council rejected")
    DECISION_PREPARED = "decision_prepared", _("Decision prepared")
    SIGNED = "signed", _("Signed by chair")
    AWARDED = "awarded", _("Awarded")
    SUBMITTED_TO_PROVINCE = "submitted_to_province", _("Submitted to province")
    PROVINCE_APPROVED = "province_approved", _("Province approved")
    PROVINCE_RETURNED = "province_returned", _("Province returned")
    PROVINCE_REJECTED = "province_rejected", _("Province rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INELIGIBLE = "ineligible", _("Ineligible")
    ON_HOLD = "on_hold", _("On hold")
    REVOKED = "revoked", _("Revoked")


S = DossierStatus

# States in which a dossier no longer competes (the unique "one live dossier" constraint ignores them).
CLOSED_STATES = frozenset({S.WITHDRAWN, S.INELIGIBLE, S.COUNCIL_REJECTED, S.PROVINCE_REJECTED, S.REVOKED})
# The unit may withdraw before the council has decided.
WITHDRAWABLE = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECEIVED, S.APPRAISED, S.ON_AGENDA)
# A dossier may be put on hold (nominee under discipline, inspection, complaint) until it is awarded.
HOLDABLE = (
    S.SUBMITTED,
    S.RETURNED,
    S.RECEIVED,
    S.APPRAISED,
    S.ON_AGENDA,
    S.COUNCIL_APPROVED,
    S.DECISION_PREPARED,
    S.SIGNED,
    S.SUBMITTED_TO_PROVINCE,
)


class Guard:
    """A transition condition that can say why it fails."""

    def __init__(self, check: Callable[[Dossier], bool], reason: Promise | str) -> None:
        self.check = check
        self.reason = reason
        self.__name__ = getattr(check, "__name__", "guard")

    def __call__(self, dossier: Any) -> bool:
        return bool(self.check(dossier))


def _window_open(d: Dossier) -> bool:
    return d.occasion.window_is_open(timezone.localdate())


def _kind_allowed(d: Dossier) -> bool:
    return d.award_type.allows(d.nominee_kind) and d.nominee.kind == d.nominee_kind


def _nominee_not_on_hold(d: Dossier) -> bool:
    return not d.nominee.on_hold


def _has_summary(d: Dossier) -> bool:
    return bool((d.achievement_summary or "").strip())


def _has_content_area(d: Dossier) -> bool:
    return d.pk is not None and d.content_areas.exists()


def _commune_route(d: Dossier) -> bool:
    return d.award_type.is_commune_decided


def _province_route(d: Dossier) -> bool:
    return not d.award_type.is_commune_decided


def _council_required(d: Dossier) -> bool:
    return d.award_type.requires_council


def _council_not_required(d: Dossier) -> bool:
    return not d.award_type.requires_council


window_open = Guard(_window_open, _("The nomination window of this occasion is closed."))
kind_allowed = Guard(_kind_allowed, _("This award type does not accept this kind of nominee."))
nominee_not_on_hold = Guard(
    _nominee_not_on_hold,
    _("The nominee is on hold (discipline, inspection or an open complaint) and cannot advance."),
)
has_summary = Guard(_has_summary, _("The achievement summary is empty."))
has_content_area = Guard(_has_content_area, _("Choose at least one content area."))
commune_route = Guard(_commune_route, _("This award is decided by the commune chair, not the province."))
province_route = Guard(
    _province_route, _("This award is decided by the commune chair; it is not sent to the province.")
)
council_required = Guard(_council_required, _("This award type does not go to the council."))
council_not_required = Guard(_council_not_required, _("This award type requires a council vote."))

SUBMIT_GUARDS: list[Any] = [window_open, kind_allowed, nominee_not_on_hold, has_summary, has_content_area]
ADVANCE_GUARDS: list[Any] = [nominee_not_on_hold]


class DossierLifecycle:
    """Mixed into Dossier. Method names are the transition names used by actions and the diagram."""

    status: Any
    held_from: str

    @transition(field="status", source=S.DRAFT, target=S.SUBMITTED, conditions=SUBMIT_GUARDS)
    def submit(self) -> None:
        pass

    @transition(field="status", source=S.RETURNED, target=S.SUBMITTED, conditions=SUBMIT_GUARDS)
    def resubmit(self) -> None:
        pass

    @transition(field="status", source=S.SUBMITTED, target=S.RETURNED)
    def return_for_supplement(self) -> None:
        pass

    @transition(field="status", source=S.SUBMITTED, target=S.RECEIVED, conditions=ADVANCE_GUARDS)
    def receive(self) -> None:
        pass

    @transition(field="status", source=[S.SUBMITTED, S.RECEIVED, S.APPRAISED], target=S.INELIGIBLE)
    def mark_ineligible(self) -> None:
        pass

    @transition(field="status", source=S.RECEIVED, target=S.APPRAISED, conditions=ADVANCE_GUARDS)
    def appraise(self) -> None:
        pass

    @transition(
        field="status",
        source=S.APPRAISED,
        target=S.ON_AGENDA,
        conditions=[nominee_not_on_hold, council_required],
    )
    def put_on_agenda(self) -> None:
        pass

    @transition(field="status", source=S.ON_AGENDA, target=S.COUNCIL_APPROVED, conditions=ADVANCE_GUARDS)
    def council_approve(self) -> None:
        pass

    @transition(field="status", source=S.ON_AGENDA, target=S.COUNCIL_REJECTED)
    def council_reject(self) -> None:
        pass

    @transition(
        field="status", source=S.COUNCIL_APPROVED, target=S.DECISION_PREPARED, conditions=ADVANCE_GUARDS
    )
    def prepare_decision(self) -> None:
        pass

    @transition(field="status", source=S.DECISION_PREPARED, target=S.SIGNED, conditions=ADVANCE_GUARDS)
    def sign(self) -> None:
        pass

    @transition(
        field="status", source=S.SIGNED, target=S.AWARDED, conditions=[nominee_not_on_hold, commune_route]
    )
    def award(self) -> None:
        pass

    @transition(
        field="status",
        source=[S.SIGNED, S.PROVINCE_RETURNED],
        target=S.SUBMITTED_TO_PROVINCE,
        conditions=[nominee_not_on_hold, province_route],
    )
    def submit_to_province(self) -> None:
        pass

    @transition(field="status", source=S.SUBMITTED_TO_PROVINCE, target=S.PROVINCE_APPROVED)
    def province_approve(self) -> None:
        pass

    @transition(field="status", source=S.SUBMITTED_TO_PROVINCE, target=S.PROVINCE_RETURNED)
    def province_return(self) -> None:
        pass

    @transition(field="status", source=S.SUBMITTED_TO_PROVINCE, target=S.PROVINCE_REJECTED)
    def province_reject(self) -> None:
        pass

    @transition(field="status", source=list(WITHDRAWABLE), target=S.WITHDRAWN)
    def withdraw(self) -> None:
        pass

    @transition(field="status", source=list(HOLDABLE), target=S.ON_HOLD)
    def hold(self) -> None:
        self.held_from = str(self.status)

    @transition(field="status", source=S.ON_HOLD, target=RETURN_VALUE(*HOLDABLE), conditions=ADVANCE_GUARDS)
    def release_hold(self) -> str:
        previous, self.held_from = self.held_from, ""
        return previous

    @transition(field="status", source=[S.AWARDED, S.PROVINCE_APPROVED], target=S.REVOKED)
    def revoke(self) -> None:
        pass


TRANSITION_LABELS: dict[str, Promise] = {
    "submit": _("Submit"),
    "resubmit": _("Resubmit"),
    "return_for_supplement": _("Return for supplement"),
    "receive": _("Receive"),
    "mark_ineligible": _("Ineligible"),
    "appraise": _("Appraise"),
    "put_on_agenda": _("Put on council agenda"),
    "council_approve": _("Council approves"),
    "council_reject": _("Council rejects"),
    "prepare_decision": _("Prepare decision"),
    "sign": _("Sign"),
    "award": _("Award"),
    "submit_to_province": _("Submit to province"),
    "province_approve": _("Province approves"),
    "province_return": _("Province returns"),
    "province_reject": _("Province rejects"),
    "withdraw": _("Withdraw"),
    "hold": _("Put on hold"),
    "release_hold": _("Release hold"),
    "revoke": _("Revoke (a decision)"),
}


def transition_table(model_cls: Any) -> list[tuple[str, str, str]]:
    """(source, transition name, target) for every edge, read from the FSM itself."""
    field = model_cls._meta.get_field("status")
    edges: list[tuple[str, str, str]] = []
    for t in field.get_all_transitions(model_cls):
        target = t.target
        targets = list(target.allowed_states or []) if isinstance(target, RETURN_VALUE) else [target]
        for tgt in targets:
            if t.source == "*" or tgt is None:
                continue
            edges.append((str(t.source), t.name, str(tgt)))
    return sorted(set(edges))


def blocking_reasons(dossier: Dossier, transition_name: str) -> list[str]:
    """Why `transition_name` cannot run now: wrong state, or the failing guards' sentences."""
    from django.utils.translation import gettext

    method = getattr(dossier, transition_name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        return [gettext("Unknown action.")]
    state = dossier.status
    t = meta.get_transition(state)
    if t is None:
        label = DossierStatus(state).label if state in DossierStatus.values else state
        return [gettext("This action is not possible while the dossier is “%(state)s”.") % {"state": label}]
    reasons = []
    for cond in t.conditions:
        if not cond(dossier):
            reasons.append(str(getattr(cond, "reason", gettext("A condition is not met."))))
    return reasons
