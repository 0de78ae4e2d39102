"""The chair's page for ties at the quota limit calls council_tie_break; others cannot use it."""

import datetime as dt

import pytest

from nominations.models import Dossier, QuotaLedger, Unit
from tests import factories as f
from workflows import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def tie(demo, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 11, 25))
    unit = Unit.objects.get(code="thon-dong-hy")
    q = QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code="giay-khen-xa", nominee_kind="individual"
    )
    QuotaLedger.objects.filter(pk=q.pk).update(used=q.limit - 1)  # one seat left
    ds = []
    for name in ("Lý Văn Một", "Lý Văn Hai"):
        d = f.draft(actor=demo["donvi"], unit=unit, nominee_obj=f.nominee(unit, name, gender="male"))
        ds.append(f.to_agenda(d, proposer=demo["donvi"], reviewer=demo["chuyenvien"]))
    res = actions.council_result_record(
        actor=demo["thuky"],
        authority_id=unit.authority_id,
        members_present=5,
        tallies=[{"dossier_id": d.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": 4} for d in ds],
    )
    assert {r["outcome"] for r in res} == {"tie_to_chair"}
    return ds


def test_chair_settles_the_tie_on_the_page(tie, demo, client):
    client.force_login(demo["chutich"])
    page = client.get("/ties/")
    assert page.status_code == 200
    assert "Lý Văn Một" in page.content.decode() and "Lý Văn Hai" in page.content.decode()
    r = client.post("/ties/", {"chosen": [tie[1].pk]})
    assert r.status_code == 302
    assert Dossier.objects.get(pk=tie[1].pk).status == "council_approved"
    assert Dossier.objects.get(pk=tie[0].pk).status == "council_rejected"
    assert "Lý Văn" not in client.get("/ties/").content.decode()


def test_others_see_nothing_and_change_nothing(tie, demo, client):
    for username in ("thuky", "chuyenvien", "donvi", "kiemtra", "hoidong1"):
        client.force_login(demo[username])
        assert "Lý Văn" not in client.get("/ties/").content.decode()
        assert client.post("/ties/", {"chosen": [tie[0].pk]}).status_code == 404
    assert {Dossier.objects.get(pk=d.pk).status for d in tie} == {"on_agenda"}


def test_choosing_more_than_the_seats_is_refused_and_changes_nothing(tie, demo, client):
    client.force_login(demo["chutich"])
    r = client.post("/ties/", {"chosen": [d.pk for d in tie]}, follow=True)
    assert r.status_code == 200
    assert {Dossier.objects.get(pk=d.pk).status for d in tie} == {"on_agenda"}
