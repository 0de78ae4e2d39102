"""An auditor reads everything and changes nothing: every URL and API route, every write method,
against dossiers in several states — the whole database is unchanged afterwards (except the ledger's
record of the auditor signing in)."""

from __future__ import annotations

import json

import pytest
from django.apps import apps

from tests.api.test_scoped_urls import PARAM, all_routes, concrete_paths
from workflows.models import AuditEvent, ChainHead

pytestmark = pytest.mark.django_db

SKIP = ("admin/", "logout/", "i18n/")


def whole_database(auditor) -> dict[str, list]:
    """Every row of our apps and of viewflow's process/task tables. The auditor's own notification
    preferences and read marks are theirs to change, so those rows are left out."""
    from notifications.models import Notification, RecipientCursor

    state: dict[str, list] = {}
    for app in ("nominations", "workflows", "notifications", "viewflow"):
        for model in apps.get_app_config(app).get_models():
            qs = model._default_manager.all()
            if model is AuditEvent or model is ChainHead:
                qs = qs.exclude(chain="system")
            elif model is RecipientCursor:
                qs = qs.exclude(user=auditor)
            elif model is Notification:
                qs = qs.exclude(recipient=auditor)
            state[model._meta.label] = list(qs.order_by("pk").values())
    return state


@pytest.fixture
def dossiers(life):
    return [life.reach(s) for s in ("draft", "submitted", "on_agenda", "council_approved", "signed")]


def test_auditor_cannot_change_anything_anywhere(client, demo, dossiers):
    before = whole_database(demo["kiemtra"])
    client.force_login(demo["kiemtra"])
    writes = 0
    for route in all_routes():
        if route.startswith(SKIP):
            continue
        targets = [d.pk for d in dossiers] if PARAM.search(route) else [0]
        for pk in targets:
            d = next((x for x in dossiers if x.pk == pk), dossiers[0])
            body = {
                "expected_version": d.version,
                "reason": "x",
                "decision_number": "1/QĐ-UBND",
                "golden_book_number": "1",
                "result": "approved",
                "members_present": 5,
                "authority_id": d.authority_id,
                "tallies": [],
            }
            for path in concrete_paths(route, pk):
                for method in ("post", "put", "patch", "delete"):
                    if path.startswith("/api/"):
                        resp = getattr(client, method)(
                            path, json.dumps(body), content_type="application/json"
                        )
                    elif method == "post":
                        resp = client.post(path, body)
                    else:
                        resp = getattr(client, method)(path)
                    writes += 1
                    assert resp.status_code < 500, f"{method.upper()} {path} -> {resp.status_code}"
    assert writes > 200  # the walk really covered the routes
    assert whole_database(demo["kiemtra"]) == before


def test_auditor_reads_every_dossier_and_the_audit_log(client, demo, dossiers):
    client.force_login(demo["kiemtra"])
    for d in dossiers:
        assert client.get(f"/api/v1/dossiers/{d.pk}").status_code == 200
        assert client.get(f"/dossiers/{d.pk}/").status_code == 200
    assert client.get("/audit/").status_code == 200
