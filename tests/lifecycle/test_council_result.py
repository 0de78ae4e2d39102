"""The secretary records the council's count: quorum, thresholds over ALL members, impossible tallies,
ranking when more pass than seats remain, the tie rule, and ties at the cut going to the chair."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from nominations.models import CouncilTally, QuotaLedger, QuotaSeat, Role, RoleAssignment
from notifications.models import Notification
from tests import factories as f
from tests.lifecycle.helpers import refused
from workflows import actions
from workflows.models import AuditEvent

pytestmark = pytest.mark.django_db


def _quota(kind: str = "individual", award: str = "giay-khen-xa") -> QuotaLedger:
    return QuotaLedger.objects.get(occasion__code="hang-nam-2026", award_type__code=award, nominee_kind=kind)


def _tally(d, agreeing, *, issued=5, returned=None, valid=None):
    returned = issued if returned is None else returned
    valid = returned if valid is None else valid
    return {"dossier_id": d.pk, "issued": issued, "returned": returned, "valid": valid, "agreeing": agreeing}


def _record(life, tallies, present=5):
    return actions.council_result_record(
        actor=life.secretary, authority_id=life.authority_id, members_present=present, tallies=tallies
    )


def _outcomes(results):
    return {r["dossier_id"]: r["outcome"] for r in results}


# --- quorum and impossible tallies -------------------------------------------------------------------


def test_quorum_is_80_percent_of_all_members_for_an_award_session(life):
    d = life.reach("on_agenda")
    exc = refused("validation_error", lambda: _record(life, [_tally(d, 3, issued=3)], present=3), d)
    assert "No quorum" in str(exc.message) and "3 of 5" in str(exc.message)
    res = _record(life, [_tally(d, 4, issued=4)], present=4)  # 4 of 5 = 80%: enough
    assert res[0]["outcome"] == "approved"


@pytest.mark.parametrize(
    ("present", "tally", "words"),
    [
        (6, {"issued": 5, "returned": 5, "valid": 5, "agreeing": 5}, "cannot exceed"),
        (5, {"issued": 5, "returned": 5, "valid": 3, "agreeing": 4}, "agreeing ≤ valid"),
        (5, {"issued": 5, "returned": 4, "valid": 5, "agreeing": 3}, "valid ≤ returned"),
        (5, {"issued": 6, "returned": 5, "valid": 5, "agreeing": 5}, "More ballots issued"),
        (5, {"issued": 5, "returned": 5, "valid": 5, "agreeing": -1}, "negative"),
    ],
)
def test_impossible_tallies_are_refused_and_nothing_changes(life, present, tally, words):
    d = life.reach("on_agenda")
    exc = refused(
        "validation_error", lambda: _record(life, [{"dossier_id": d.pk, **tally}], present=present), d
    )
    assert words in str(exc.message)


def test_one_impossible_tally_refuses_the_whole_count(life):
    good, bad = life.reach("on_agenda"), life.reach("on_agenda")
    refused("validation_error", lambda: _record(life, [_tally(good, 5), _tally(bad, 5, valid=4)]), good, bad)
    refused("validation_error", lambda: _record(life, [_tally(good, 5), _tally(good, 4)]), good)


def test_only_the_secretary_records(life):
    d = life.reach("on_agenda")
    for who in (life.reviewer, life.chair, life.member, life.auditor, life.proposer):
        refused(
            "not_allowed",
            lambda who=who: actions.council_result_record(
                actor=who, authority_id=life.authority_id, members_present=5, tallies=[_tally(d, 5)]
            ),
            d,
        )


# --- thresholds over all members ---------------------------------------------------------------------


def test_chien_si_thi_dua_co_so_needs_80_percent_of_all_members(life):
    four = life.reach("on_agenda", award="chien-si-thi-dua-co-so")
    three = life.reach("on_agenda", award="chien-si-thi-dua-co-so")
    res = _outcomes(_record(life, [_tally(four, 4), _tally(three, 3)]))
    assert res == {four.pk: "approved", three.pk: "rejected"}
    assert f.fresh(four).status == "council_approved"
    rejected = f.fresh(three)
    assert rejected.status == "council_rejected"
    assert "3 of 5" in rejected.outcome_note
    # Not quota-limited: no seat, and the ledger says nothing about a quota.
    assert not QuotaSeat.objects.filter(dossier=four).exists()
    event = AuditEvent.objects.filter(dossier_id=four.pk, action="council_record").get()
    assert "quota" not in event.payload
    assert event.payload["tally"]["agreeing"] == 4


def test_threshold_counts_all_members_not_those_present(life):
    User = get_user_model()
    sixth = User.objects.create(username="hoidong6")
    RoleAssignment.objects.create(
        user=sixth, authority_id=life.authority_id, role=Role.COUNCIL_MEMBER, unit=life.unit
    )
    d = life.reach("on_agenda", award="chien-si-thi-dua-co-so")
    # 5 of 6 present (83%); 4 agree = 80% of those present but 66.7% of all six members: not enough.
    res = _record(life, [_tally(d, 4, issued=5)], present=5)
    assert res[0]["outcome"] == "rejected"
    tally = CouncilTally.objects.get(dossier=d)
    assert (tally.members_all, tally.members_present) == (6, 5)


def test_majority_for_giay_khen_counts_all_members(life):
    three = life.reach("on_agenda")
    two = life.reach("on_agenda")
    # Two of three valid ballots is a majority of the valid ballots, not of the five members.
    res = _outcomes(_record(life, [_tally(three, 3), _tally(two, 2, issued=4, valid=3)], present=4))
    assert res == {three.pk: "approved", two.pk: "rejected"}


# --- over-subscription, ranking and ties ----------------------------------------------------------


def test_more_passing_than_seats_are_ranked_by_agreeing_votes(life):
    q = _quota()
    QuotaLedger.objects.filter(pk=q.pk).update(limit=2)
    a, b, c, d = (life.reach("on_agenda") for _ in range(4))
    res = _outcomes(_record(life, [_tally(a, 3), _tally(b, 5), _tally(c, 4), _tally(d, 3)]))
    assert res == {a.pk: "over_quota", b.pk: "approved", c.pk: "approved", d.pk: "over_quota"}
    q = _quota()
    assert q.used == 2
    assert set(QuotaSeat.objects.filter(quota=q).values_list("dossier_id", flat=True)) == {b.pk, c.pk}
    for left_out in (a, d):
        fresh = f.fresh(left_out)
        assert fresh.status == "council_rejected"
        assert "quota" in fresh.outcome_note and "2 seats left" in fresh.outcome_note
    for taken in (b, c):
        ev = AuditEvent.objects.get(dossier_id=taken.pk, action="council_record")
        assert ev.payload["quota"] == {"id": q.pk, "delta": 1}


def test_tie_rule_prefers_women(life):
    QuotaLedger.objects.filter(pk=_quota().pk).update(limit=1)
    man = life.reach("on_agenda", nominee=life.nominee(gender="male"))
    woman = life.reach("on_agenda", nominee=life.nominee(gender="female"))
    res = _outcomes(_record(life, [_tally(man, 4), _tally(woman, 4)]))
    assert res == {man.pk: "over_quota", woman.pk: "approved"}


def test_tie_rule_prefers_collectives_with_at_least_70_percent_women(life):
    QuotaLedger.objects.filter(pk=_quota("collective").pk).update(limit=1)
    sixty_nine = life.reach("on_agenda", nominee=life.nominee(kind="collective", women_percent=69))
    seventy = life.reach("on_agenda", nominee=life.nominee(kind="collective", women_percent=70))
    res = _outcomes(_record(life, [_tally(sixty_nine, 4), _tally(seventy, 4)]))
    assert res == {sixty_nine.pk: "over_quota", seventy.pk: "approved"}
    # More agreeing votes still beat the tie rule.
    QuotaLedger.objects.filter(pk=_quota("collective").pk).update(limit=2)
    more = life.reach("on_agenda", nominee=life.nominee(kind="collective", women_percent=0))
    preferred = life.reach("on_agenda", nominee=life.nominee(kind="collective", women_percent=90))
    res = _outcomes(_record(life, [_tally(preferred, 3), _tally(more, 5)]))
    assert res == {more.pk: "approved", preferred.pk: "over_quota"}


def test_a_tie_at_the_cut_goes_to_the_chair(life):
    q = _quota()
    QuotaLedger.objects.filter(pk=q.pk).update(limit=2)
    best = life.reach("on_agenda")
    x, y = life.reach("on_agenda"), life.reach("on_agenda")
    res = _outcomes(_record(life, [_tally(x, 4), _tally(best, 5), _tally(y, 4)]))
    assert res == {best.pk: "approved", x.pk: "tie_to_chair", y.pk: "tie_to_chair"}
    # The tied dossiers wait on the agenda; the chair is told.
    assert {f.fresh(x).status, f.fresh(y).status} == {"on_agenda"}
    assert _quota().used == 1
    assert Notification.objects.filter(recipient=life.chair, kind="tie_to_chair").count() == 2

    # Only the chair breaks the tie, only among the tied dossiers, and not beyond the seats left.
    refused(
        "not_allowed",
        lambda: actions.council_tie_break(
            actor=life.secretary, chosen_ids=[x.pk], candidate_ids=[x.pk, y.pk]
        ),
        x,
        y,
    )
    refused(
        "validation_error",
        lambda: actions.council_tie_break(actor=life.chair, chosen_ids=[best.pk], candidate_ids=[x.pk, y.pk]),
        x,
        y,
    )
    refused(
        "quota_full",
        lambda: actions.council_tie_break(
            actor=life.chair, chosen_ids=[x.pk, y.pk], candidate_ids=[x.pk, y.pk]
        ),
        x,
        y,
    )
    refused(
        "invalid_transition",
        lambda: actions.council_tie_break(actor=life.chair, chosen_ids=[best.pk], candidate_ids=[best.pk]),
        best,
    )

    res = _outcomes(
        actions.council_tie_break(actor=life.chair, chosen_ids=[y.pk], candidate_ids=[x.pk, y.pk])
    )
    assert res == {x.pk: "over_quota", y.pk: "approved"}
    assert f.fresh(y).status == "council_approved"
    assert f.fresh(x).status == "council_rejected"
    q = _quota()
    assert q.used == 2 == QuotaSeat.objects.filter(quota=q).count()


def test_no_seats_left_means_over_quota_for_all(life):
    q = _quota()
    QuotaLedger.objects.filter(pk=q.pk).update(limit=0)
    a, b = life.reach("on_agenda"), life.reach("on_agenda")
    res = _outcomes(_record(life, [_tally(a, 5), _tally(b, 5)]))
    assert res == {a.pk: "over_quota", b.pk: "over_quota"}
    assert _quota().used == 0
