"""The JSON API under /api/v1/: scoped list/create/update, every action route, council results, inbox,
quotas, history, and errors as JSON with a machine-readable code."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from nominations.models import QuotaLedger
from tests import factories as f
from workflows.api import ACTIONS
from workflows.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


class Api:
    """A token-authenticated JSON client for one user."""

    def __init__(self, client, user, *, lang: str = "en") -> None:
        _row, raw = ApiToken.issue(user=user, name="tests")
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": lang}

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/v1{path}", params, **self.headers)

    def post(self, path: str, body: dict[str, Any], **headers: str):
        return self.client.post(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", **self.headers, **headers
        )

    def patch(self, path: str, body: dict[str, Any]):
        return self.client.patch(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", **self.headers
        )

    def act(self, d: Any, action: str, version: int, **body: Any):
        return self.post(
            f"/dossiers/{d if isinstance(d, int) else d.pk}/actions/{action}",
            {"expected_version": version, **body},
        )


@pytest.fixture
def api(client, demo) -> Callable[[str], Api]:
    return lambda username, **kw: Api(client, demo[username], **kw)


def _ok(resp, status: int = 200) -> dict:
    assert resp.status_code == status, resp.content
    return resp.json()


def _err(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert body["code"] == code, body
    assert body["message"].strip()
    return body


def test_list_is_scoped_and_keyset_paginated(life, api):
    mine = [life.draft() for _ in range(3)]
    theirs = life.draft(nominee=life.nominee(unit=life.unit2))
    items = _ok(api("donvi").get("/dossiers"))["items"]
    assert {i["id"] for i in items} == {d.pk for d in mine}
    assert {i["id"] for i in _ok(api("donvi2").get("/dossiers"))["items"]} == {theirs.pk}
    assert {i["id"] for i in _ok(api("chuyenvien").get("/dossiers"))["items"]} >= {
        theirs.pk,
        *(d.pk for d in mine),
    }
    assert _ok(api("hoidong1").get("/dossiers"))["items"] == []  # nothing on the agenda yet
    # Keyset pages: newest first, `after` continues, no overlap, no COUNT(*).
    reviewer = api("chuyenvien")
    page1 = _ok(reviewer.get("/dossiers", limit=2))
    page2 = _ok(reviewer.get("/dossiers", limit=2, after=page1["next_after"]))
    ids = [i["id"] for i in page1["items"] + page2["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4 and page2["next_after"] is None
    life.step(mine[0], "submit")
    assert [i["id"] for i in _ok(reviewer.get("/dossiers", status="submitted"))["items"]] == [mine[0].pk]


def test_create_and_update_within_scope(life, api):
    occ, award = f.occasion(), f.award()
    n = life.nominee()
    body = {
        "unit_id": life.unit.pk,
        "occasion_id": occ.pk,
        "award_type_id": award.pk,
        "nominee_id": n.pk,
        "achievement_summary": "Số hóa sổ hộ khẩu thôn.",
        "content_area_ids": [],
    }
    created = _ok(api("donvi").post("/dossiers", body), 201)
    assert created["status"] == "draft" and created["version"] == 1 and created["nominee"] == n.name
    _err(api("donvi").post("/dossiers", body), 409, "conflict")
    _err(api("donvi2").post("/dossiers", {**body, "nominee_id": life.nominee().pk}), 403, "not_allowed")
    _err(api("donvi").post("/dossiers", {"unit_id": life.unit.pk}), 422, "validation_error")

    path = f"/dossiers/{created['id']}"
    updated = _ok(api("donvi").patch(path, {"expected_version": 1, "achievement_summary": "Bản sửa."}))
    assert updated["version"] == 2 and updated["achievement_summary"] == "Bản sửa."
    _err(
        api("donvi").patch(path, {"expected_version": 1, "achievement_summary": "Cũ."}), 409, "stale_version"
    )
    _err(api("donvi2").patch(path, {"expected_version": 2, "achievement_summary": "X"}), 404, "not_found")
    _err(
        api("chuyenvien").patch(path, {"expected_version": 2, "achievement_summary": "X"}), 403, "not_allowed"
    )
    assert _ok(api("donvi").get(path))["achievement_summary"] == "Bản sửa."


def test_every_action_route_moves_the_dossier(life, api):
    QuotaLedger.objects.update(limit=100)
    used: set[str] = set()

    def act(who: str, d: Any, action: str, **body: Any) -> dict:
        v = f.fresh(d).version
        used.add(action)
        return _ok(api(who).act(d, action, v, **body))

    def council(d: Any, agreeing: int) -> list[dict]:
        body = {
            "authority_id": life.authority_id,
            "members_present": 5,
            "tallies": [{"dossier_id": d.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": agreeing}],
        }
        return _ok(api("thuky").post("/council/results", body))

    # Commune award: all the way to awarded, then revoked.
    d = life.draft()
    assert act("donvi", d, "submit")["status"] == "submitted"
    assert act("chuyenvien", d, "return", reason="Bổ sung báo cáo.")["status"] == "returned"
    assert act("donvi", d, "submit")["status"] == "submitted"  # resubmit
    assert act("chuyenvien", d, "receive")["status"] == "received"
    assert act("chuyenvien", d, "hold", reason="Đang thanh tra.")["status"] == "on_hold"
    assert act("chuyenvien", d, "release_hold")["status"] == "received"
    assert act("truongphong", d, "appraise")["status"] == "appraised"
    assert act("chuyenvien", d, "put_on_agenda")["status"] == "on_agenda"
    assert council(d, 5) == [{"dossier_id": d.pk, "outcome": "approved", "reason": ""}]
    assert act("chuyenvien", d, "prepare_decision")["status"] == "decision_prepared"
    assert act("chutich", d, "sign")["status"] == "signed"
    assert (
        act("vanthu", d, "award", decision_number="7/QĐ-UBND", golden_book_number="SV-7")["status"]
        == "awarded"
    )
    assert act("chutich", d, "revoke", reason="Sai thành tích.")["status"] == "revoked"

    # Province award: returned by the province, sent again, approved.
    p = life.reach("signed", award="bang-khen-tinh")
    assert act("chuyenvien", p, "submit_to_province")["status"] == "submitted_to_province"
    assert act("chuyenvien", p, "province_result", result="returned", reason="Thiếu hồ sơ.")["status"] == (
        "province_returned"
    )
    act("chuyenvien", p, "submit_to_province")
    assert (
        act("chuyenvien", p, "province_result", result="approved", decision_number="88/QĐ-UBND")["status"]
        == "province_approved"
    )

    # Closing moves.
    assert act("chuyenvien", life.reach("submitted"), "mark_ineligible", reason="Không đủ.")["status"] == (
        "ineligible"
    )
    assert act("donvi", life.reach("received"), "withdraw")["status"] == "withdrawn"

    assert used == set(ACTIONS), f"action routes not exercised: {set(ACTIONS) - used}"


def test_error_codes_are_json_with_a_message(client, life, api):
    d = life.reach("submitted")
    _err(api("chuyenvien").act(d, "receive", d.version - 1), 409, "stale_version")
    _err(api("donvi").act(d, "receive", d.version), 403, "not_allowed")
    _err(api("chuyenvien").act(d, "appraise", d.version), 409, "invalid_transition")
    _err(api("chuyenvien").act(d, "teleport", d.version), 409, "invalid_transition")
    _err(api("chuyenvien").act(d, "return", d.version, reason=""), 422, "validation_error")
    _err(api("chuyenvien").post(f"/dossiers/{d.pk}/actions/receive", {}), 422, "validation_error")
    _err(api("donvi2").act(d, "withdraw", d.version), 404, "not_found")
    _err(api("donvi").get("/dossiers/999999"), 404, "not_found")
    # quota_full: Cờ thi đua tỉnh has no seats in the annual round.
    flag = life.reach("on_agenda", award="co-thi-dua-tinh", nominee=life.nominee(kind="collective"))
    body = {
        "authority_id": life.authority_id,
        "members_present": 5,
        "tallies": [{"dossier_id": flag.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": 5}],
    }
    _err(api("thuky").post("/council/results", body), 409, "quota_full")
    assert f.fresh(flag).status == "on_agenda"
    impossible = {**body, "tallies": [{**body["tallies"][0], "agreeing": 6}]}
    _err(api("thuky").post("/council/results", impossible), 422, "validation_error")
    # Not logged in.
    r = client.get("/api/v1/dossiers")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_inbox_shows_what_each_role_must_act_on(life, api):
    draft = life.draft()
    submitted = life.reach("submitted")
    agenda = life.reach("on_agenda")
    foreign = life.draft(nominee=life.nominee(unit=life.unit2))

    def inbox(who: str) -> set[int]:
        return {i["id"] for i in _ok(api(who).get("/inbox"))["items"]}

    assert inbox("donvi") == {draft.pk}
    assert inbox("donvi2") == {foreign.pk}
    assert inbox("chuyenvien") == {submitted.pk}
    assert inbox("hoidong1") == {agenda.pk}
    assert inbox("thuky") == {agenda.pk}
    assert inbox("kiemtra") == set()


def test_quotas_and_history(life, api):
    d = life.reach("council_approved")
    quotas = _ok(api("chuyenvien").get("/quotas", occasion="hang-nam-2026"))
    gk = next(q for q in quotas if q["award_type"] == "giay-khen-xa" and q["nominee_kind"] == "individual")
    assert (gk["limit"], gk["used"], gk["remaining"]) == (5, 1, 4)
    assert all(q["occasion"] == "hang-nam-2026" for q in quotas)

    history = _ok(api("donvi").get(f"/dossiers/{d.pk}/history"))
    assert [e["action"] for e in history] == [
        "create",
        "submit",
        "receive",
        "appraise",
        "put_on_agenda",
        "council_record",
    ]
    assert [e["seq"] for e in history] == list(range(1, 7))
    assert history[-1]["from_state"] == "on_agenda" and history[-1]["to_state"] == "council_approved"
    assert history[-1]["payload"]["quota"]["delta"] == 1
    assert history[-1]["hash"] == AuditEvent.objects.filter(dossier_id=d.pk).order_by("-chain_seq")[0].hash
    _err(api("donvi2").get(f"/dossiers/{d.pk}/history"), 404, "not_found")


def test_openapi_lists_every_route(client, demo):
    spec = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/dossiers",
        "/api/v1/dossiers/{dossier_id}",
        "/api/v1/dossiers/{dossier_id}/history",
        "/api/v1/dossiers/{dossier_id}/actions/{action}",
        "/api/v1/council/results",
        "/api/v1/inbox",
        "/api/v1/quotas",
    ):
        assert path in spec["paths"], path


def test_session_authentication_works_too(client, life):
    d = life.draft()
    client.force_login(life.proposer)
    r = client.post(
        f"/api/v1/dossiers/{d.pk}/actions/submit", {"expected_version": 1}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted"
