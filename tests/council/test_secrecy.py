"""Secret ballot: no page, JSON endpoint or API shows anyone how a member voted.

Non-interference: two worlds that differ only in how hoidong2 and hoidong3 voted (same tally) must
look byte-identical (after removing random hashes, CSRF tokens and clock times) to every other user,
for every role, while voting is open and after the session closes.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import Client

from nominations.models import Ballot, CouncilSession
from workflows.actions.council import council_session_close

VOTERS = {"hoidong2", "hoidong3"}


def _normalise(text: str) -> str:
    text = re.sub(r"[0-9a-f]{64}", "H", text)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d)?", "T", text)
    text = re.sub(r"\d\d:\d\d(?::\d\d)?", "hh:mm", text)

    # The published list is sorted by (random) commitment: compare it as a multiset.
    def sort_list(m: re.Match) -> str:
        return m.group(1) + "".join(sorted(re.findall(r"<li>.*?</li>", m.group(2)))) + m.group(3)

    text = re.sub(r'(<ul class="td-mono">)(.*?)(</ul>)', sort_list, text, flags=re.S)

    def sort_pairs(m: re.Match) -> str:
        return '"commitments": [' + ", ".join(sorted(re.findall(r'\["H", "\w+"\]', m.group(1)))) + "]"

    return re.sub(r'"commitments": \[((?:\["H", "\w+"\](?:, )?)*)\]', sort_pairs, text)


def _urls(session, dossiers) -> list[str]:
    urls = ["/", "/council/", f"/council/{session.pk}/", f"/council/{session.pk}/progress.json"]
    urls += ["/api/v1/dossiers", "/api/v1/inbox", "/notifications/"]
    urls += ["/api/v1/council/sessions", f"/api/v1/council/sessions/{session.pk}"]
    for d in dossiers:
        urls += [f"/api/v1/dossiers/{d.pk}", f"/api/v1/dossiers/{d.pk}/history"]
    return urls


def _snapshot(users, urls) -> dict[tuple[str, str], tuple[int, str]]:
    seen = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        for url in urls:
            r = client.get(url)
            seen[(name, url)] = (r.status_code, _normalise(r.content.decode()))
    return seen


def _world(council, votes: dict[int, str]):
    d = council.dossier("Lê Văn Tám")
    other = council.dossier("Trần Thị Hai", gender="female")
    s = council.open_session([d, other])
    council.vote(s, d, votes)
    council.vote(s, other, {1: "agree", 2: "agree", 3: "agree", 4: "agree"})
    observers = {n: u for n, u in council.users.items() if n not in VOTERS}
    urls = _urls(s, [d, other])
    during = _snapshot(observers, urls)
    council_session_close(actor=council.secretary, session_id=CouncilSession.objects.get(pk=s.pk).pk)
    after = _snapshot(observers, urls)
    return (s.pk, d.pk), during, after


def _reset_sequences() -> None:
    """PostgreSQL sequences survive a rollback: point every one at max(id) so both worlds get the same ids."""
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT counters roll back with the transaction
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


def _in_rollback(fn):
    _reset_sequences()
    with transaction.atomic():
        result = fn()
        transaction.set_rollback(True)
    return result


def test_no_user_can_tell_how_a_member_voted(council):
    world_a = _in_rollback(lambda: _world(council, {1: "agree", 2: "agree", 3: "disagree", 4: "abstain"}))
    world_b = _in_rollback(lambda: _world(council, {1: "agree", 2: "disagree", 3: "agree", 4: "abstain"}))
    ids_a, during_a, after_a = world_a
    ids_b, during_b, after_b = world_b
    assert ids_a == ids_b  # same rows in both worlds, so pages are comparable
    roles_seen = {name for name, _url in during_a}
    assert {
        "thuky",
        "chutich",
        "kiemtra",
        "quantri",
        "chuyenvien",
        "truongphong",
        "vanthu",
        "donvi",
    } <= roles_seen
    assert {"hoidong1", "hoidong4", "hoidong5"} <= roles_seen
    # The pages really show the session (so identical pages are not just identical errors).
    assert during_a[("thuky", f"/council/{ids_a[0]}/")][0] == 200
    assert after_a[("kiemtra", f"/council/{ids_a[0]}/")][0] == 200
    for key in during_a:
        assert during_a[key] == during_b[key], f"{key} differs while voting is open"
    for key in after_a:
        assert after_a[key] == after_b[key], f"{key} differs after closing"


def test_a_member_sees_only_their_own_choice(council):
    d = council.dossier("Lê Văn Tám")
    s = council.open_session([d])
    council.vote(s, d, {1: "disagree"})
    own = Client()
    own.force_login(council.member(1))
    page = own.get(f"/council/{s.pk}/").content.decode()
    assert 'value="disagree" checked' in page
    for n in (2, 3):
        c = Client()
        c.force_login(council.member(n))
        assert " checked" not in c.get(f"/council/{s.pk}/").content.decode()
    assert Ballot.objects.filter(session=s).count() == 1
