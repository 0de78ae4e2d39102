"""The council through the JSON API: same rules, same secrecy, receipts only to the voter."""

from __future__ import annotations

from django.test import Client

from nominations.models import Ballot
from workflows.actions.council import receipt_matches


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_vote_change_close_and_refusal_through_the_api(council):
    d = council.dossier("Lê Văn Tám")
    s = council.open_session([d])
    m1 = _client(council.member(1))
    url = f"/api/v1/council/sessions/{s.pk}/ballots"
    first = m1.post(url, {"dossier_id": d.pk, "choice": "disagree"}, content_type="application/json")
    assert first.status_code == 200 and first.json()["changed"] is False
    second = m1.post(url, {"dossier_id": d.pk, "choice": "agree"}, content_type="application/json").json()
    assert second["changed"] is True
    assert receipt_matches(
        session_id=s.pk,
        dossier_id=d.pk,
        member_id=council.member(1).pk,
        choice="agree",
        salt=second["salt"],
        commitment=second["commitment"],
    )
    assert Ballot.objects.filter(session=s).count() == 1
    for n in (2, 3):
        _client(council.member(n)).post(
            url, {"dossier_id": d.pk, "choice": "agree"}, content_type="application/json"
        )

    secretary = _client(council.secretary)
    live = secretary.get(f"/api/v1/council/sessions/{s.pk}").json()
    assert live["progress"][0]["returned"] == 3 and live["results"] == []
    assert "agree" not in str(live)

    refused = m1.post(f"/api/v1/council/sessions/{s.pk}/close", content_type="application/json")
    assert refused.status_code == 403
    closed = secretary.post(f"/api/v1/council/sessions/{s.pk}/close", content_type="application/json").json()
    assert closed["status"] == "closed"
    result = closed["results"][0]
    assert (result["returned"], result["agreeing"], result["outcome"]) == (3, 3, "approved")
    assert [second["commitment"], "agree"] in result["commitments"]

    late = m1.post(url, {"dossier_id": d.pk, "choice": "disagree"}, content_type="application/json")
    assert late.status_code == 409 and late.json()["code"] == "conflict"


def test_outsider_gets_not_found(council):
    d = council.dossier("Lê Văn Tám")
    s = council.open_session([d])
    proposer = _client(council.users["donvi"])
    assert proposer.get(f"/api/v1/council/sessions/{s.pk}").status_code == 404
    r = proposer.post(
        f"/api/v1/council/sessions/{s.pk}/ballots",
        {"dossier_id": d.pk, "choice": "agree"},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert proposer.get("/api/v1/council/sessions").json() == []
    assert not Ballot.objects.exists()
