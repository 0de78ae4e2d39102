"""The same action sent twice with the same Idempotency-Key moves the dossier once and answers the same."""

from __future__ import annotations

import json

import pytest

from nominations.models import QuotaLedger
from notifications.models import Notification
from tests import factories as f
from workflows import actions
from workflows.errors import ActionError
from workflows.models import ApiToken, AuditEvent, IdempotencyRecord

pytestmark = pytest.mark.django_db


def _post(client, raw: str, path: str, body: dict, key: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json", **headers)


def test_same_key_twice_moves_once_and_returns_the_same_result(client, life):
    d = life.draft()
    _tok, raw = ApiToken.issue(user=life.proposer, name="retry")
    path = f"/dossiers/{d.pk}/actions/submit"
    first = _post(client, raw, path, {"expected_version": 1}, key="k-123")
    events = AuditEvent.objects.filter(dossier_id=d.pk).count()
    notes = Notification.objects.count()
    second = _post(client, raw, path, {"expected_version": 1}, key="k-123")
    assert first.status_code == second.status_code == 200
    assert first.json()["version"] == second.json()["version"] == 2
    assert first.json()["status"] == second.json()["status"] == "submitted"
    assert AuditEvent.objects.filter(dossier_id=d.pk, action="submit").count() == 1
    assert AuditEvent.objects.filter(dossier_id=d.pk).count() == events
    assert Notification.objects.count() == notes
    assert f.fresh(d).version == 2

    # A different key with the now-stale version is a conflict, not a second move.
    third = _post(client, raw, path, {"expected_version": 1}, key="k-456")
    assert third.status_code == 409 and third.json()["code"] == "stale_version"
    # So is a retry without any key.
    assert _post(client, raw, path, {"expected_version": 1}).json()["code"] == "stale_version"
    assert f.fresh(d).version == 2


def test_a_key_belongs_to_one_dossier(client, life):
    a, b = life.draft(), life.draft()
    _tok, raw = ApiToken.issue(user=life.proposer, name="retry")
    assert (
        _post(
            client, raw, f"/dossiers/{a.pk}/actions/submit", {"expected_version": 1}, key="same"
        ).status_code
        == 200
    )
    r = _post(client, raw, f"/dossiers/{b.pk}/actions/submit", {"expected_version": 1}, key="same")
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    assert f.fresh(b).status == "draft"


def test_keys_are_per_user(life):
    d = life.reach("submitted")
    actions.dossier_receive(
        actor=life.reviewer, dossier_id=d.pk, expected_version=d.version, idempotency_key="k"
    )
    # The office head's "k" is not the reviewer's "k": it is checked as a new request (and is stale).
    with pytest.raises(ActionError) as info:
        actions.dossier_receive(
            actor=life.head, dossier_id=d.pk, expected_version=d.version, idempotency_key="k"
        )
    assert info.value.code == "stale_version"
    assert IdempotencyRecord.objects.filter(key="k").count() == 1


def test_seat_taking_move_replayed_keeps_one_seat(life):
    QuotaLedger.objects.update(limit=10)
    d = life.reach("council_approved")
    d = life.step(d, "prepare_decision")
    d = life.step(d, "sign")
    kw = {
        "actor": life.clerk,
        "dossier_id": d.pk,
        "expected_version": d.version,
        "decision_number": "3/QĐ-UBND",
        "idempotency_key": "award-1",
    }
    one = actions.dossier_award(**kw)
    two = actions.dossier_award(**kw)
    assert one.version == two.version and two.status == "awarded"
    assert AuditEvent.objects.filter(dossier_id=d.pk, action="award").count() == 1
