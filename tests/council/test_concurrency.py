"""PostgreSQL: a ballot racing the closing is either counted or refused, never left outside the count.

The session row lock is what makes this hold: the same harness with the lock removed (naive) lets a
ballot land after the count, which the test shows fails.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from nominations.models import Ballot, SessionAgendaItem
from workflows.actions import council as council_actions
from workflows.errors import ActionError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(council, monkeypatch, *, naive: bool):
    d = council.dossier("Lê Văn Tám")
    s = council.open_session([d])
    council.vote(s, d, {1: "agree", 2: "agree"})
    real = council_actions._locked_session

    def locked_then_slow(session_id):
        session = real(session_id) if not naive else council_actions.CouncilSession.objects.get(pk=session_id)
        if threading.current_thread().name == "caster":
            # Hold the ballot in flight until the closing has finished, or 5 s when the closing
            # (rightly) waits for this ballot's lock.
            closed.wait(5)
        return session

    monkeypatch.setattr(council_actions, "_locked_session", locked_then_slow)
    outcome: dict[str, object] = {}
    closed = threading.Event()

    def cast():
        try:
            council_actions.ballot_cast(
                actor=council.member(3), session_id=s.pk, dossier_id=d.pk, choice="agree"
            )
            outcome["cast"] = "ok"
        except ActionError as exc:
            outcome["cast"] = exc.code
        finally:
            connections.close_all()

    caster = threading.Thread(target=cast, name="caster")
    caster.start()
    time.sleep(0.15)
    council_actions.council_session_close(actor=council.secretary, session_id=s.pk)
    closed.set()
    caster.join(10)
    item = SessionAgendaItem.objects.get(session=s, dossier=d)
    ballots = Ballot.objects.filter(session=s, dossier=d).count()
    unsealed = Ballot.objects.filter(session=s).exclude(choice="").count()
    return outcome["cast"], item.returned, ballots, unsealed


def test_a_ballot_racing_the_close_is_counted_or_refused(council, monkeypatch):
    assert connection.vendor == "postgresql"
    cast, returned, ballots, unsealed = _race(council, monkeypatch, naive=False)
    # The close waited for the in-flight ballot: it is counted and sealed with the others.
    assert (cast, returned, ballots, unsealed) == ("ok", 3, 3, 0)


def test_naive_guard_lets_a_ballot_escape_the_count(council, monkeypatch):
    cast, returned, ballots, unsealed = _race(council, monkeypatch, naive=True)
    # Without the lock the cast read "open" before the close committed, then wrote after it.
    assert cast == "ok"
    assert returned == 2 and ballots == 3 and unsealed == 1
