"""Quorum (with recusals), the ballot rules, written votes, conflicts, receipts and the ledger."""

from __future__ import annotations

import pytest

from nominations.models import (
    Attendance,
    Ballot,
    CouncilSession,
    Recusal,
    SessionAgendaItem,
)
from workflows.actions.council import (
    ballot_cast,
    ballot_record_written,
    conflict_declare,
    council_session_close,
    council_session_mark_attendance,
    council_session_open,
    receipt_matches,
)
from workflows.errors import ActionError
from workflows.models import AuditEvent

from .conftest import fresh


def _ledger_count():
    return AuditEvent.objects.count()


@pytest.mark.parametrize(
    ("decides_awards", "present", "opens"),
    [
        (True, (1, 2, 3), False),  # 60% < 80%
        (True, (1, 2, 3, 4), True),  # 80%
        (False, (1, 2, 3), False),  # 60% < 2/3
        (False, (1, 2, 3, 4), True),
    ],
)
def test_open_needs_quorum(council, decides_awards, present, opens):
    d = council.dossier("Lê Văn Tám")
    s = council.session([d], decides_awards=decides_awards)
    council_session_mark_attendance(
        actor=council.secretary, session_id=s.pk, present_ids=[council.member(n).pk for n in present]
    )
    before = _ledger_count()
    if opens:
        council_session_open(actor=council.secretary, session_id=s.pk)
        assert fresh(s).status == "open"
    else:
        with pytest.raises(ActionError) as err:
            council_session_open(actor=council.secretary, session_id=s.pk)
        assert err.value.code == "validation_error"
        assert fresh(s).status == "draft"
        assert _ledger_count() == before


def test_only_the_secretary_runs_the_session(council):
    d = council.dossier("Lê Văn Tám")
    s = council.session([d])
    for name in ("hoidong1", "chutich", "chuyenvien", "kiemtra", "donvi"):
        with pytest.raises(ActionError) as err:
            council_session_open(actor=council.users[name], session_id=s.pk)
        assert err.value.code == "not_allowed"
    assert fresh(s).status == "draft"


def test_auto_recusal_own_unit_and_nominee(council):
    own_unit = council.dossier("Hoàng Thị Lụa", unit="mttq")  # hoidong4's home unit
    about_member = council.dossier("Đinh Văn Quân", nominee_user=council.member(5))
    other = council.dossier("Lê Văn Tám")
    s = council.session([own_unit, about_member, other])
    rec = set(Recusal.objects.filter(session=s).values_list("dossier_id", "member__username", "reason"))
    assert rec == {(own_unit.pk, "hoidong4", "auto"), (about_member.pk, "hoidong5", "auto")}


def test_recused_member_cannot_vote(council):
    d = council.dossier("Hoàng Thị Lụa", unit="mttq")
    s = council.open_session([d])
    with pytest.raises(ActionError) as err:
        council.vote(s, d, {4: "agree"})
    assert err.value.code == "not_allowed"
    assert not Ballot.objects.filter(session=s).exists()


def test_quorum_with_recusals_per_dossier(council):
    """Four of five present meets 80%; on the dossier hoidong4 is recused from, three is not."""
    recused_dossier = council.dossier("Hoàng Thị Lụa", unit="mttq")
    normal = council.dossier("Lê Văn Tám")
    s = council.open_session([recused_dossier, normal], present=(1, 2, 3, 4))
    council.vote(s, recused_dossier, {1: "agree", 2: "agree", 3: "agree"})
    council.vote(s, normal, {1: "agree", 2: "agree", 3: "agree", 4: "agree"})
    council_session_close(actor=council.secretary, session_id=s.pk)
    items = {i.dossier_id: i for i in SessionAgendaItem.objects.filter(session=s)}
    assert items[recused_dossier.pk].outcome == "no_quorum"
    assert "1" in items[recused_dossier.pk].outcome_reason  # names the recusal count
    assert fresh(recused_dossier).status == "on_agenda"  # not decided: back to the next session
    assert items[normal.pk].outcome == "approved"
    assert fresh(normal).status == "council_approved"


def test_declared_conflict_withdraws_the_ballot(council):
    d = council.dossier("Lê Văn Tám")
    s = council.open_session([d])
    council.vote(s, d, {1: "agree", 2: "agree"})
    conflict_declare(actor=council.member(2), session_id=s.pk, dossier_id=d.pk, note="Người thân")
    assert Recusal.objects.get(session=s, member=council.member(2)).reason == "declared"
    assert list(Ballot.objects.filter(session=s).values_list("member__username", flat=True)) == ["hoidong1"]
    with pytest.raises(ActionError):
        council.vote(s, d, {2: "agree"})


def test_second_cast_changes_the_vote_not_the_count(council):
    d = council.dossier("Lê Văn Tám")
    s = council.open_session([d])
    first = council.vote(s, d, {1: "disagree"})[1]
    second = council.vote(s, d, {1: "agree"})[1]
    assert (first.changed, second.changed) == (False, True)
    assert Ballot.objects.filter(session=s, dossier=d, member=council.member(1)).count() == 1
    council.vote(s, d, {2: "agree", 3: "agree"})
    council_session_close(actor=council.secretary, session_id=s.pk)
    item = SessionAgendaItem.objects.get(session=s, dossier=d)
    assert (item.returned, item.agreeing, item.disagreeing) == (3, 3, 0)
    published = dict(item.commitments)
    # The latest receipt is counted with its choice; the superseded one is gone.
    assert published.get(second.commitment) == "agree"
    assert first.commitment not in published
    assert receipt_matches(
        session_id=s.pk,
        dossier_id=d.pk,
        member_id=council.member(1).pk,
        choice="agree",
        salt=second.salt,
        commitment=second.commitment,
    )
    assert not receipt_matches(
        session_id=s.pk,
        dossier_id=d.pk,
        member_id=council.member(1).pk,
        choice="disagree",
        salt=second.salt,
        commitment=second.commitment,
    )


def test_vote_after_closing_is_refused(council):
    d = council.dossier("Lê Văn Tám")
    s = council.open_session([d])
    council.vote(s, d, {1: "agree", 2: "agree", 3: "agree"})
    council_session_close(actor=council.secretary, session_id=s.pk)
    before = (_ledger_count(), list(Ballot.objects.order_by("id").values_list("id", "choice", "commitment")))
    for n, choice in ((1, "disagree"), (4, "agree")):
        with pytest.raises(ActionError) as err:
            council.vote(s, d, {n: choice})
        assert err.value.code == "conflict"
    with pytest.raises(ActionError):
        council_session_close(actor=council.secretary, session_id=s.pk)
    after = (_ledger_count(), list(Ballot.objects.order_by("id").values_list("id", "choice", "commitment")))
    assert before == after


def test_vote_before_opening_and_by_absent_or_outsider_refused(council):
    d = council.dossier("Lê Văn Tám")
    s = council.session([d])
    with pytest.raises(ActionError):
        council.vote(s, d, {1: "agree"})
    council_session_mark_attendance(
        actor=council.secretary, session_id=s.pk, present_ids=[council.member(n).pk for n in (1, 2, 3, 4)]
    )
    council_session_open(actor=council.secretary, session_id=s.pk)
    with pytest.raises(ActionError) as err:
        council.vote(s, d, {5: "agree"})  # absent: votes in writing through the secretary
    assert err.value.code == "not_allowed"
    for name in ("thuky", "chutich", "kiemtra", "donvi"):
        with pytest.raises(ActionError) as err:
            ballot_cast(actor=council.users[name], session_id=s.pk, dossier_id=d.pk, choice="agree")
        assert err.value.code == "not_allowed"
    with pytest.raises(ActionError):
        council.vote(s, d, {1: "maybe"})
    assert not Ballot.objects.exists()


def test_written_vote_of_an_absent_member(council):
    d = council.dossier("Lê Văn Tám", award="chien-si-thi-dua-co-so")
    s = council.open_session([d], present=(1, 2, 3, 4))
    council.vote(s, d, {1: "agree", 2: "agree", 3: "agree"})
    with pytest.raises(ActionError):  # present members vote themselves
        ballot_record_written(
            actor=council.secretary,
            session_id=s.pk,
            dossier_id=d.pk,
            member_id=council.member(1).pk,
            choice="agree",
        )
    with pytest.raises(ActionError):  # only the secretary records written votes
        ballot_record_written(
            actor=council.member(1),
            session_id=s.pk,
            dossier_id=d.pk,
            member_id=council.member(5).pk,
            choice="agree",
        )
    ballot_record_written(
        actor=council.secretary,
        session_id=s.pk,
        dossier_id=d.pk,
        member_id=council.member(5).pk,
        choice="agree",
    )
    assert Attendance.objects.get(session=s, member=council.member(5)).written_vote
    assert Ballot.objects.get(session=s, member=council.member(5)).written
    council_session_close(actor=council.secretary, session_id=s.pk)
    item = SessionAgendaItem.objects.get(session=s, dossier=d)
    # 4 agreeing of all 5 = 80% only with the written vote; issued = 4 present + 1 written ballot
    assert (item.issued, item.returned, item.agreeing, item.outcome) == (5, 4, 4, "approved")


def test_ledger_never_holds_a_choice_or_commitment(council):
    d = council.dossier("Lê Văn Tám")
    s = council.open_session([d])
    receipts = council.vote(s, d, {1: "agree", 2: "disagree", 3: "abstain"})
    receipts[1] = council.vote(s, d, {1: "disagree"})[1]
    events = list(AuditEvent.objects.filter(chain=f"council:{s.pk}"))
    assert [e.action for e in events].count("council_ballot_cast") == 4
    for e in events:
        for word in ("agree", "disagree", "abstain"):
            assert word not in e.body
        for r in receipts.values():
            assert r.commitment not in e.body
            assert r.salt not in e.body


def test_closing_seals_the_ballot_rows(council):
    d = council.dossier("Lê Văn Tám")
    s = council.open_session([d])
    receipts = council.vote(s, d, {1: "agree", 2: "disagree", 3: "agree"})
    council_session_close(actor=council.secretary, session_id=s.pk)
    rows = list(Ballot.objects.filter(session=s).values_list("member__username", "choice", "commitment"))
    assert sorted(r[0] for r in rows) == ["hoidong1", "hoidong2", "hoidong3"]  # who voted stays
    assert all(choice == "" for _m, choice, _c in rows)  # how is gone from the named rows
    published = {c for c, _choice in SessionAgendaItem.objects.get(session=s).commitments}
    assert not published & {c for _m, _ch, c in rows}
    assert {r.commitment for r in receipts.values()} == published
    s = CouncilSession.objects.get(pk=s.pk)
    assert s.status == "closed" and len(s.tally_sha256) == 64
