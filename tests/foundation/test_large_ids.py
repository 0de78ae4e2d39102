"""Ids of 1,000 and more are rendered as plain digits in attributes (no thousands separator), in both languages."""

import datetime as dt

import pytest

from nominations.models import AwardType, Occasion, QuotaLedger

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_large_quota_id_stays_plain_digits(demo, client, language):
    movement = Occasion.objects.get(code="hang-nam-2026").movement
    occ = Occasion.objects.create(
        movement=movement,
        code="thu-nghiem",
        kind="annual",
        year=2031,
        name="Thử nghiệm",
        window_opens=dt.date(2031, 10, 1),
        window_closes=dt.date(2031, 12, 1),
    )
    QuotaLedger.objects.create(
        pk=123456,
        occasion=occ,
        award_type=AwardType.objects.get(code="giay-khen-xa"),
        nominee_kind="individual",
        limit=3,
    )
    client.force_login(demo["donvi"])
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get("/").content.decode()
    assert 'data-quota="123456"' in html
