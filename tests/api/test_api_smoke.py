import datetime as dt

import pytest

from nominations.models import Unit
from tests import factories as f
from workflows.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 11, 25))


def test_token_client_submits_and_gets_json_errors(demo, client):
    unit = Unit.objects.get(code="thon-dong-hy")
    d = f.draft(actor=demo["donvi"], unit=unit, nominee_obj=unit.nominees.get(name="Nguyễn Văn An"))
    _tok, raw = ApiToken.issue(user=demo["donvi"], name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = client.post(
        f"/api/v1/dossiers/{d.pk}/actions/submit",
        {"expected_version": 1},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted" and r.json()["version"] == 2
    again = client.post(
        f"/api/v1/dossiers/{d.pk}/actions/submit",
        {"expected_version": 1},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "stale_version"
    spec = client.get("/api/v1/openapi.json", **auth)
    assert spec.status_code == 200 and "/api/v1/dossiers" in spec.json()["paths"]
    assert client.get("/api/v1/dossiers").status_code == 401
