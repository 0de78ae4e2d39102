"""Thresholds are counted over ALL council members; integer arithmetic at the 80% boundary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nominations.models import AwardType, SessionAgendaItem
from nominations.rules import vote_passes
from workflows.actions.council import council_session_close, count_dossier

from .conftest import fresh


@pytest.mark.parametrize(
    ("agreeing", "members", "threshold", "passes"),
    [
        (799, 1000, Decimal(80), False),  # 79.9%
        (800, 1000, Decimal(80), True),  # 80.0%
        (4, 5, Decimal(80), True),
        (3, 5, Decimal(80), False),
        (7, 9, Decimal(80), False),  # 77.8%
        (8, 9, Decimal(90), False),  # 88.9% < 90%
        (9, 10, Decimal(90), True),
        (3, 5, None, True),  # majority: more than half
        (2, 4, None, False),  # exactly half is not a majority
        (0, 0, None, False),
    ],
)
def test_threshold_boundaries(agreeing, members, threshold, passes):
    assert vote_passes(agreeing, members, threshold) is passes


def test_count_is_over_all_members_and_skips_recused():
    c = count_dossier(
        dossier_id=1,
        members_all=5,
        present_ids=[1, 2, 3, 4],
        recused_ids=[4],
        ballots=[(1, "agree", False), (2, "agree", False), (3, "disagree", False), (5, "agree", True)],
        quorum_percent=Decimal(80),
    )
    # issued: 3 present and not recused + 1 written ballot of the absent member 5
    assert (c.issued, c.returned, c.valid, c.agreeing, c.disagreeing) == (4, 4, 4, 3, 1)
    assert c.agreeing_percent == Decimal("60.00")  # 3 of all 5, not 3 of 4 returned
    assert c.eligible_present == 3
    assert c.quorum_met is False  # 3 of 5 = 60% < 80% once the recused member is not counted


def _close(council, session):
    return council_session_close(actor=council.secretary, session_id=session.pk)


def test_eighty_percent_passes_and_just_below_fails(council):
    award = AwardType.objects.get(code="chien-si-thi-dua-co-so")
    assert award.vote_threshold_percent == Decimal(80)
    d = council.dossier("Lê Văn Tám", award="chien-si-thi-dua-co-so")
    s = council.open_session([d])
    council.vote(s, d, {1: "agree", 2: "agree", 3: "agree", 4: "agree", 5: "disagree"})
    _close(council, s)
    item = SessionAgendaItem.objects.get(session=s, dossier=d)
    assert (item.agreeing, item.outcome) == (4, "approved")  # 4/5 = 80%
    assert fresh(d).status == "council_approved"


def test_just_below_threshold_is_rejected(council):
    AwardType.objects.filter(code="chien-si-thi-dua-co-so").update(vote_threshold_percent=Decimal("80.01"))
    d = council.dossier("Lê Văn Tám", award="chien-si-thi-dua-co-so")
    s = council.open_session([d])
    council.vote(s, d, {1: "agree", 2: "agree", 3: "agree", 4: "agree", 5: "abstain"})
    _close(council, s)
    item = SessionAgendaItem.objects.get(session=s, dossier=d)
    assert (item.agreeing, item.abstaining, item.outcome) == (4, 1, "rejected")
    assert fresh(d).status == "council_rejected"


def test_threshold_counts_absent_members_as_not_agreeing(council):
    """3 of 4 present agree (75% of those present) but 3 of 5 members is 60%: not 80%."""
    d80 = council.dossier("Lê Văn Tám", award="chien-si-thi-dua-co-so")
    dmaj = council.dossier("Phan Thị Mơ", gender="female")
    s = council.open_session([d80, dmaj], present=(1, 2, 3, 4))
    council.vote(s, d80, {1: "agree", 2: "agree", 3: "agree", 4: "disagree"})
    council.vote(s, dmaj, {1: "agree", 2: "agree", 3: "agree", 4: "disagree"})
    _close(council, s)
    outcomes = dict(SessionAgendaItem.objects.filter(session=s).values_list("dossier_id", "outcome"))
    assert outcomes == {d80.pk: "rejected", dmaj.pk: "approved"}  # majority: 3 of 5 > half
