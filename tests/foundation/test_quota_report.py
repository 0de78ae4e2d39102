"""`manage.py quota_report [--occasion …] [--format table|json]`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nominations.models import QuotaLedger

pytestmark = pytest.mark.django_db

KEYS = {"occasion", "award_type", "nominee_kind", "limit", "used", "remaining"}


def report(*args: str) -> str:
    out = StringIO()
    call_command("quota_report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def used_seats(plan):
    """Two seats used in the annual 2026 Giấy khen for individuals."""
    QuotaLedger.objects.filter(
        occasion__code="hang-nam-2026", award_type__code="giay-khen-xa", nominee_kind="individual"
    ).update(used=2)


def test_json_is_a_list_of_code_keyed_objects(used_seats):
    rows = json.loads(report("--format", "json"))
    assert isinstance(rows, list)
    assert len(rows) == QuotaLedger.objects.count() == 5 * 4 + 4 + 5
    for row in rows:
        assert set(row) == KEYS
        assert row["remaining"] == row["limit"] - row["used"]
    by_key = {(r["occasion"], r["award_type"], r["nominee_kind"]): r for r in rows}
    # Codes, not labels.
    assert by_key[("hang-nam-2026", "giay-khen-xa", "individual")] == {
        "occasion": "hang-nam-2026",
        "award_type": "giay-khen-xa",
        "nominee_kind": "individual",
        "limit": 5,
        "used": 2,
        "remaining": 3,
    }
    assert by_key[("tong-ket-2030", "co-thi-dua-tinh", "collective")]["limit"] == 2
    assert by_key[("so-ket-2027", "giay-khen-xa", "collective")]["remaining"] == 5


def test_occasion_filter(used_seats):
    rows = json.loads(report("--occasion", "hang-nam-2026", "--format", "json"))
    assert {r["occasion"] for r in rows} == {"hang-nam-2026"}
    assert sorted((r["award_type"], r["nominee_kind"], r["limit"]) for r in rows) == [
        ("bang-khen-tinh", "collective", 15),
        ("bang-khen-tinh", "individual", 20),
        ("giay-khen-xa", "collective", 2),
        ("giay-khen-xa", "individual", 5),
    ]
    final = json.loads(report("--occasion", "tong-ket-2030", "--format", "json"))
    assert len(final) == 5


def test_table_format(used_seats):
    text = report("--occasion", "hang-nam-2026")
    lines = [line.split() for line in text.strip().splitlines()]
    assert lines[0] == ["occasion", "award_type", "nominee_kind", "limit", "used", "remaining"]
    assert ["hang-nam-2026", "giay-khen-xa", "individual", "5", "2", "3"] in lines[1:]
    assert ["hang-nam-2026", "giay-khen-xa", "collective", "2", "0", "2"] in lines[1:]
    assert len(lines) == 1 + 4
    # Table is the default format; all occasions without a filter.
    assert len(report().strip().splitlines()) == 1 + QuotaLedger.objects.count()


def test_unknown_occasion_is_an_error(plan):
    with pytest.raises(CommandError, match="hang-nam-1999"):
        report("--occasion", "hang-nam-1999")


def test_unknown_format_is_an_error(plan):
    with pytest.raises(CommandError):
        report("--format", "xml")
