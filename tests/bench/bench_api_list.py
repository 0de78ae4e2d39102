"""Benchmark (prints, does not assert a time): latency of the list and inbox API at N dossiers versus
1,000. Target from issue 3: at 100,000 dossiers at most 1.5× the latency at 1,000.

Run: make bench (PostgreSQL with DATABASE_URL; SQLite otherwise).
Scale: BENCH_LIST_N (default 20,000; the issue's figure is 100,000), BENCH_LIST_REPEAT (default 25).
"""

from __future__ import annotations

import os

import pytest

from nominations.models import AwardType, Dossier, Nominee, Occasion
from tests.bench.latency import analyze, median_get, report

pytestmark = pytest.mark.django_db

BIG = int(os.environ.get("BENCH_LIST_N", "20000"))
SMALL = 1_000
REPEAT = int(os.environ.get("BENCH_LIST_REPEAT", "25"))
# A realistic spread: most dossiers are finished, a few wait on someone.
STATUSES = ["awarded"] * 6 + ["council_rejected", "withdrawn", "submitted", "draft"]


def _grow(life, upto: int) -> None:
    have = Dossier.objects.count()
    occ = Occasion.objects.get(code="hang-nam-2026")
    award = AwardType.objects.get(code="giay-khen-xa")
    units = [life.unit, life.unit2]
    batch = 5_000
    for start in range(have, upto, batch):
        count = min(batch, upto - start)
        nominees = Nominee.objects.bulk_create(
            [Nominee(unit=units[i % 2], kind="individual", name=f"B{start + i}") for i in range(count)]
        )
        Dossier.objects.bulk_create(
            [
                Dossier(
                    authority_id=life.authority_id,
                    occasion=occ,
                    award_type=award,
                    unit=nom.unit,
                    nominee=nom,
                    nominee_kind="individual",
                    status=STATUSES[(start + i) % len(STATUSES)],
                    achievement_summary="Thành tích.",
                    created_by=life.proposer,
                )
                for i, nom in enumerate(nominees)
            ],
            batch_size=1_000,
        )
    analyze("nominations_dossier", "nominations_nominee")


PATHS = {
    "list (reviewer)": ("chuyenvien", "/api/v1/dossiers?limit=50"),
    "list page 10 (reviewer)": ("chuyenvien", None),
    "inbox (reviewer)": ("chuyenvien", "/api/v1/inbox?limit=50"),
    "list (unit proposer)": ("donvi", "/api/v1/dossiers?limit=50"),
}


def _measure(client, life) -> dict[str, float]:
    out = {}
    for label, (username, path) in PATHS.items():
        client.force_login(life.u[username])
        if path is None:
            # A deep keyset page: `after` an id 500 rows down costs the same as the first page.
            after = Dossier.objects.order_by("-id").values_list("id", flat=True)[500]
            path = f"/api/v1/dossiers?limit=50&after={after}"
        out[label] = median_get(client, path, REPEAT)
    return out


def test_bench_list_latency_big_versus_small(client, life):
    _grow(life, SMALL)
    small = _measure(client, life)
    _grow(life, BIG)
    big = _measure(client, life)
    report("bench_api_list", repeat=REPEAT, small_n=SMALL, big_n=BIG, small=small, big=big)
