"""The transition table: every edge is reachable through an action, every other move is refused with a
reason, and the status field cannot be written directly."""

from __future__ import annotations

import pytest

from nominations.models import Dossier, QuotaLedger
from nominations.states import HOLDABLE, DossierStatus, transition_table
from tests import factories as f
from tests.lifecycle.helpers import PROVINCE_STATES, refused
from workflows import actions
from workflows.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_transition_table_covers_the_lifecycle_of_domain_md():
    table = transition_table(Dossier)
    states = {s for s, _t, _g in table} | {g for _s, _t, g in table}
    # Every status of DOMAIN.md §3 takes part in at least one edge.
    assert states == set(DossierStatus.values)
    assert len(table) == len(set(table)) >= 45


def test_every_edge_of_the_table_runs_through_an_action(life):
    QuotaLedger.objects.update(limit=1000)  # dozens of approvals below; quotas are tested elsewhere
    exercised = set()
    for source, name, target in transition_table(Dossier):
        award = "bang-khen-tinh" if {source, target} & PROVINCE_STATES else "giay-khen-xa"
        if name == "release_hold":
            # The hold remembers where it came from; releasing goes back exactly there.
            d = life.reach(target, award=award)
            d = life.step(d, "hold")
            assert d.status == "on_hold" and d.held_from == target
        else:
            d = life.reach(source, award=award)
        before_events = AuditEvent.objects.filter(dossier_id=d.pk).count()
        moved = f.fresh(life.step(d, name))
        assert moved.status == target, (source, name, target, moved.status)
        assert moved.version == d.version + 1
        last = AuditEvent.objects.filter(dossier_id=d.pk).order_by("-chain_seq").first()
        assert AuditEvent.objects.filter(dossier_id=d.pk).count() == before_events + 1
        assert (last.from_state, last.to_state) == (str(source), str(target))
        if name == "release_hold":
            assert moved.held_from == ""
        exercised.add((source, name, target))
    assert exercised == set(transition_table(Dossier))


def test_hold_is_possible_from_every_holdable_state_and_nowhere_else():
    holds = {s for s, t, _g in transition_table(Dossier) if t == "hold"}
    assert holds == {str(s) for s in HOLDABLE}


# (state, action that does not leave it) — the right actor each time, so only the FSM refuses.
ILLEGAL = [
    ("draft", "receive"),
    ("draft", "put_on_agenda"),
    ("draft", "sign"),
    ("draft", "release_hold"),
    ("submitted", "submit"),
    ("submitted", "appraise"),
    ("received", "put_on_agenda"),
    ("received", "return_for_supplement"),
    ("appraised", "prepare_decision"),
    ("on_agenda", "sign"),
    ("on_agenda", "mark_ineligible"),
    ("council_approved", "withdraw"),
    ("council_approved", "award"),
    ("council_rejected", "prepare_decision"),
    ("signed", "revoke"),
    ("awarded", "withdraw"),
    ("awarded", "hold"),
    ("awarded", "submit_to_province"),
    ("withdrawn", "submit"),
    ("ineligible", "receive"),
    ("on_hold", "receive"),
    ("on_hold", "hold"),
    ("revoked", "revoke"),
    ("province_approved", "province_reject"),
]


@pytest.mark.parametrize(("state", "transition"), ILLEGAL)
def test_illegal_moves_are_refused_with_a_reason_and_change_nothing(life, state, transition):
    d = life.reach(state)
    exc = refused("invalid_transition", lambda: life.step(d, transition), d)
    label = str(DossierStatus(state).label)
    assert f"not possible while the dossier is “{label}”" in str(exc.message)
    assert exc.details["reasons"]


def test_council_count_for_a_dossier_not_on_the_agenda_is_refused(life):
    d = life.reach("appraised")
    exc = refused("invalid_transition", lambda: life.record([d], 5), d)
    assert "not on the council agenda" in str(exc.message)


def test_status_is_a_protected_field(life):
    d = life.draft()
    with pytest.raises(AttributeError):
        d.status = DossierStatus.AWARDED
    fresh = f.fresh(d)
    assert fresh.status == "draft"
    # The FSM methods themselves move it; nothing else does.
    with pytest.raises(AttributeError):
        fresh.status = "submitted"
    moved = actions.dossier_submit(actor=life.proposer, dossier_id=d.pk, expected_version=d.version)
    assert moved.status == "submitted"
