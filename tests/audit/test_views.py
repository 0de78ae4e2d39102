"""The auditor's workspace: auditors (and superusers) read; everyone else is refused; nobody writes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from workflows.models import AuditEvent, Checkpoint

pytestmark = pytest.mark.django_db

URLS = [
    ("workflows:audit_events", {}),
    ("workflows:audit_as_of", {}),
    ("workflows:audit_verify", {}),
    ("workflows:audit_export_csv", {}),
    ("workflows:audit_export_jsonl", {}),
]


def _url(name, kwargs, ledger=None):
    if name == "workflows:audit_dossier":
        kwargs = {"dossier_id": ledger["awarded"].pk}
    return reverse(name, kwargs=kwargs)


ALL_URLS = [*URLS, ("workflows:audit_dossier", {})]


@pytest.fixture
def auditor_client(client, real_ledger):
    client.force_login(real_ledger["users"]["kiemtra"])
    return client


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_auditor_reads_every_page(auditor_client, real_ledger):
    for name, kwargs in ALL_URLS:
        assert auditor_client.get(_url(name, kwargs, real_ledger)).status_code == 200, name


# quantri (the administrator) is a superuser, who may read the ledger too.
@pytest.mark.parametrize(
    "username", ["donvi", "chuyenvien", "truongphong", "thuky", "chutich", "vanthu", "hoidong1"]
)
def test_other_roles_are_refused(client, real_ledger, username):
    client.force_login(real_ledger["users"][username])
    for name, kwargs in ALL_URLS:
        assert client.get(_url(name, kwargs, real_ledger)).status_code == 403, name


def test_anonymous_is_sent_to_sign_in(client, real_ledger):
    response = client.get(reverse("workflows:audit_events"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_superuser_reads(client, real_ledger, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x"))
    assert client.get(reverse("workflows:audit_events")).status_code == 200


def test_auditor_cannot_write_anything(auditor_client, real_ledger):
    events, checkpoints = AuditEvent.objects.count(), Checkpoint.objects.count()
    for name, kwargs in ALL_URLS:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(auditor_client, method)(_url(name, kwargs, real_ledger))
            assert response.status_code == 405, (name, method)
    assert (AuditEvent.objects.count(), Checkpoint.objects.count()) == (events, checkpoints)


def test_the_auditor_cannot_act_on_a_dossier_either(auditor_client, real_ledger):
    d = real_ledger["draft"]
    before = AuditEvent.objects.count()
    response = auditor_client.post(
        reverse("workflows:dossier_act", kwargs={"pk": d.pk, "action": "submit"}), {"version": d.version}
    )
    # The lead's view answers with a refusal message (redirect) or 403/404: either way nothing moved.
    assert response.status_code in {302, 403, 404}
    assert AuditEvent.objects.count() == before
    assert type(d).objects.get(pk=d.pk).status == "draft"


def test_the_event_list_filters_and_pages_by_keyset(
    auditor_client, real_ledger, django_assert_max_num_queries
):
    d = real_ledger["awarded"]
    response = auditor_client.get(reverse("workflows:audit_events"), {"dossier": d.pk})
    shown = [e.pk for e in response.context["events"]]
    assert shown == list(
        AuditEvent.objects.filter(dossier_id=d.pk).order_by("-id").values_list("pk", flat=True)
    )
    response = auditor_client.get(
        reverse("workflows:audit_events"), {"actor": "chuyenvien", "action": "receive"}
    )
    assert [e.action for e in response.context["events"]] == ["receive"]
    unit = d.unit_id
    response = auditor_client.get(
        reverse("workflows:audit_events"), {"unit": unit, "date_from": "2000-01-01"}
    )
    assert len(response.context["events"]) == AuditEvent.objects.filter(unit_id=unit).count()
    response = auditor_client.get(reverse("workflows:audit_events"), {"date_to": "2000-01-01"})
    assert response.context["events"] == []


def test_keyset_pages_walk_the_whole_list_without_counting(auditor_client, real_ledger, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr("workflows.audit_views.PAGE_SIZE", 4)
    seen: list[int] = []
    params: dict = {}
    with CaptureQueriesContext(connection) as queries:
        while True:
            response = auditor_client.get(reverse("workflows:audit_events"), params)
            seen += [e.pk for e in response.context["events"]]
            if not response.context["next_before"]:
                break
            params = {"before": response.context["next_before"]}
    assert seen == list(AuditEvent.objects.order_by("-id").values_list("pk", flat=True))
    ledger_counts = [
        q
        for q in queries.captured_queries
        if "COUNT(" in q["sql"].upper() and "workflows_auditevent" in q["sql"]
    ]
    assert not ledger_counts


def test_a_date_range_pages_by_time_with_the_same_cursor(auditor_client, real_ledger, monkeypatch):
    # Within a date range the page is read off the (at, id) index: newest first by (at, id), the cursor
    # still an event id, and every event of the range seen once.
    monkeypatch.setattr("workflows.audit_views.PAGE_SIZE", 4)
    seen: list[int] = []
    params: dict = {"date_from": "2000-01-01", "date_to": "2100-01-01"}
    while True:
        response = auditor_client.get(reverse("workflows:audit_events"), params)
        seen += [e.pk for e in response.context["events"]]
        if not response.context["next_before"]:
            break
        params = {**params, "before": response.context["next_before"]}
    assert seen == list(AuditEvent.objects.order_by("-at", "-id").values_list("pk", flat=True))
    assert len(seen) > 8  # three pages at least


def test_dossier_timeline_and_as_of(auditor_client, real_ledger):
    d = real_ledger["awarded"]
    url = reverse("workflows:audit_dossier", kwargs={"dossier_id": d.pk})
    events = list(AuditEvent.objects.filter(dossier_id=d.pk).order_by("chain_seq"))
    moment = events[2].at.astimezone().replace(tzinfo=None).isoformat()
    response = auditor_client.get(url, {"at": moment})
    assert [e.pk for e in response.context["events"]] == [e.pk for e in events]
    assert response.context["as_of"].status == events[2].to_state
    response = auditor_client.get(
        reverse("workflows:audit_as_of"), {"at": "2999-01-01T00:00", "dossier": d.pk}
    )
    assert response.context["dossier"].status == "signed"
    assert [row["used_then"] for row in response.context["quotas"]] == [1]


def test_verify_page_shows_result_and_latest_checkpoint(auditor_client, real_ledger):
    response = auditor_client.get(reverse("workflows:audit_verify"))
    assert response.context["report"].ok
    assert response.context["checkpoint"] == Checkpoint.objects.order_by("-id").first()
    assert b'data-ok="1"' in response.content


def test_csv_export_of_a_filtered_set(auditor_client, real_ledger):
    response = auditor_client.get(reverse("workflows:audit_export_csv"), {"action": "submit"})
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "at", "chain"]
    assert {r[6] for r in rows[1:]} == {"submit"}
    assert len(rows) - 1 == AuditEvent.objects.filter(action="submit").count()


def test_jsonl_export_of_everything_verifies(auditor_client, real_ledger):
    from workflows.checkpoints import public_key_path
    from workflows.verify import Verifier, load_public_keys

    lines = _body(auditor_client.get(reverse("workflows:audit_export_jsonl"))).splitlines()
    assert Verifier(load_public_keys([str(public_key_path())])).feed_all(lines).ok


def test_jsonl_export_of_a_filtered_set(auditor_client, real_ledger):
    d = real_ledger["returned"]
    lines = _body(auditor_client.get(reverse("workflows:audit_export_jsonl"), {"dossier": d.pk})).splitlines()
    header = json.loads(lines[0])
    assert header["complete"] is False
    events = [json.loads(line) for line in lines if line.startswith(b'{"type":"event"')]
    assert {e["body"]["dossier_id"] for e in events} == {d.pk}
    assert len(events) == 3
