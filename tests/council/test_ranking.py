"""More dossiers pass than seats remain: rank by agreeing votes, then the tie rule, then the chair."""

from __future__ import annotations

from nominations.models import QuotaLedger, SessionAgendaItem
from workflows.actions.council import council_session_close

from .conftest import fresh


def _quota(limit: int, used: int = 0) -> QuotaLedger:
    q = QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code="giay-khen-xa", nominee_kind="individual"
    )
    QuotaLedger.objects.filter(pk=q.pk).update(limit=limit, used=used)
    return q


def _outcomes(session):
    return dict(
        SessionAgendaItem.objects.filter(session=session).values_list("dossier__nominee__name", "outcome")
    )


ALL_AGREE = {1: "agree", 2: "agree", 3: "agree", 4: "agree", 5: "agree"}
FOUR_AGREE = {1: "agree", 2: "agree", 3: "agree", 4: "agree", 5: "disagree"}


def test_over_subscription_ranks_by_votes_then_prefers_women(council):
    q = _quota(limit=3, used=1)  # two seats left
    top = council.dossier("Nguyễn Văn Một")
    woman = council.dossier("Trần Thị Hai", gender="female")
    man = council.dossier("Lê Văn Ba")
    failed = council.dossier("Phạm Văn Bốn")
    s = council.open_session([top, woman, man, failed])
    council.vote(s, top, ALL_AGREE)
    council.vote(s, woman, FOUR_AGREE)
    council.vote(s, man, FOUR_AGREE)
    council.vote(s, failed, {1: "agree", 2: "agree", 3: "disagree", 4: "disagree", 5: "abstain"})
    council_session_close(actor=council.secretary, session_id=s.pk)
    assert _outcomes(s) == {
        "Nguyễn Văn Một": "approved",
        "Trần Thị Hai": "approved",  # tied on votes with Lê Văn Ba; the tie rule prefers women
        "Lê Văn Ba": "over_quota",
        "Phạm Văn Bốn": "rejected",  # 2 of 5 is not a majority
    }
    reason = SessionAgendaItem.objects.get(session=s, dossier=man).outcome_reason
    assert reason  # the minutes and the dossier say why
    assert fresh(man).status == "council_rejected"
    assert fresh(q).used == 3
    assert {fresh(top).status, fresh(woman).status} == {"council_approved"}


def test_unresolved_tie_goes_to_the_chair(council):
    _quota(limit=2, used=0)
    top = council.dossier("Nguyễn Văn Một")
    tied_a = council.dossier("Lê Văn Ba")
    tied_b = council.dossier("Phạm Văn Bốn")
    s = council.open_session([top, tied_a, tied_b])
    council.vote(s, top, ALL_AGREE)
    council.vote(s, tied_a, FOUR_AGREE)
    council.vote(s, tied_b, FOUR_AGREE)
    council_session_close(actor=council.secretary, session_id=s.pk)
    assert _outcomes(s) == {
        "Nguyễn Văn Một": "approved",
        "Lê Văn Ba": "tie_to_chair",
        "Phạm Văn Bốn": "tie_to_chair",
    }
    assert fresh(tied_a).status == "on_agenda"  # waits for the chair's decision
    from notifications.models import Notification

    assert Notification.objects.filter(recipient=council.chair, kind="tie_to_chair").count() == 2
