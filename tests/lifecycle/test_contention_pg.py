"""Proof under contention on real PostgreSQL: threads, each with its own connection, released together.

- 50 threads record council approvals for 50 dossiers into a quota of 15 → exactly 15 seats, every
  repetition (20 by default; CONTENTION_REPS to change).
- The same harness with a naive read-then-write guard oversells at least once: proof that the harness
  really creates contention (otherwise the first result would prove nothing).
- 20 concurrent double-submits → each dossier moves exactly once.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from nominations.models import AwardType, Dossier, Nominee, Occasion, QuotaLedger, QuotaSeat
from tests.lifecycle.conftest import TODAY
from workflows import actions
from workflows.errors import ActionError
from workflows.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 50
LIMIT = 15
REPS = int(os.environ.get("CONTENTION_REPS", "20"))


def _race(work: Callable[[int], str], ids: list[int]) -> list[str]:
    """Run work(id) for every id in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(ids))

    def run(pk: int) -> str:
        try:
            barrier.wait(timeout=60)
            return work(pk)
        except ActionError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(ids)) as pool:
        return list(pool.map(run, ids))


_rep = iter(range(1, 10_000))


def _fresh_round(life) -> tuple[QuotaLedger, list[int]]:
    """A new occasion with a quota of 15 and 50 dossiers waiting on the council agenda.

    Built in bulk: what is under test is the council action, not how the dossiers got there."""
    n = next(_rep)
    base = Occasion.objects.get(code="hang-nam-2026")
    occ = Occasion.objects.create(
        movement=base.movement,
        code=f"race-{n}",
        kind=base.kind,
        year=base.year,
        name=f"Race {n}",
        window_opens=TODAY,
        window_closes=TODAY,
    )
    award = AwardType.objects.get(code="giay-khen-xa")
    quota = QuotaLedger.objects.create(occasion=occ, award_type=award, nominee_kind="individual", limit=LIMIT)
    nominees = Nominee.objects.bulk_create(
        [Nominee(unit=life.unit, kind="individual", name=f"Đua {n}-{i}") for i in range(THREADS)]
    )
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                authority_id=life.authority_id,
                occasion=occ,
                award_type=award,
                unit=life.unit,
                nominee=nom,
                nominee_kind="individual",
                status="on_agenda",
                achievement_summary="x",
                created_by=life.proposer,
            )
            for nom in nominees
        ]
    )
    return quota, [d.pk for d in dossiers]


def _approve(life) -> Callable[[int], str]:
    def work(pk: int) -> str:
        res = actions.council_result_record(
            actor=life.secretary,
            authority_id=life.authority_id,
            members_present=5,
            tallies=[{"dossier_id": pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": 5}],
        )
        return res[0]["outcome"]

    return work


def _naive(quota_id: int) -> Callable[[int], str]:
    """The guard done wrong: read `used`, compare, then write — with a small window in between."""

    def work(pk: int) -> str:
        with transaction.atomic():
            d = Dossier.objects.select_for_update().get(pk=pk)
            q = QuotaLedger.objects.get(pk=quota_id)
            if q.used >= q.limit:
                return "over_quota"
            time.sleep(0.005)
            QuotaLedger.objects.filter(pk=quota_id).update(used=q.used + 1)
            QuotaSeat.objects.create(dossier=d, quota=q)
            return "approved"

    return work


def test_fifty_threads_never_oversell_a_quota_of_fifteen(life):
    started = time.monotonic()
    for rep in range(REPS):
        quota, ids = _fresh_round(life)
        outcomes = Counter(_race(_approve(life), ids))
        q = QuotaLedger.objects.get(pk=quota.pk)
        seats = QuotaSeat.objects.filter(quota=q).count()
        approved = Dossier.objects.filter(pk__in=ids, status="council_approved").count()
        assert (q.used, seats, approved, outcomes["approved"]) == (LIMIT, LIMIT, LIMIT, LIMIT), (
            rep,
            outcomes,
        )
        # The others were refused cleanly: the quota was full, or they were ranked out of it.
        assert set(outcomes) <= {"approved", "quota_full", "over_quota"}, outcomes
        deltas = sum(
            p["quota"]["delta"]
            for p in AuditEvent.objects.filter(dossier_id__in=ids, payload__has_key="quota").values_list(
                "payload", flat=True
            )
        )
        assert deltas == LIMIT
    print(f"\n{REPS} rounds of {THREADS} threads in {time.monotonic() - started:.1f}s")


def test_the_same_harness_with_a_naive_guard_oversells(life):
    worst = 0
    for _rep in range(REPS):
        quota, ids = _fresh_round(life)
        _race(_naive(quota.pk), ids)
        seats = QuotaSeat.objects.filter(quota=quota).count()
        worst = max(worst, seats)
        if seats > LIMIT:
            break
    assert worst > LIMIT, "the harness did not create contention: the proof above would be worthless"


def test_twenty_concurrent_double_submits_move_each_dossier_once(life):
    drafts = [life.draft() for _ in range(20)]
    ids = [d.pk for d in drafts for _twice in range(2)]

    def submit(pk: int) -> str:
        d = actions.dossier_submit(actor=life.proposer, dossier_id=pk, expected_version=1)
        return f"moved:{d.version}"

    results = _race(submit, ids)
    by_dossier: dict[int, list[str]] = {}
    for pk, outcome in zip(ids, results, strict=True):
        by_dossier.setdefault(pk, []).append(outcome)
    for pk, outcomes in by_dossier.items():
        assert outcomes.count("moved:2") == 1, outcomes
        assert set(outcomes) - {"moved:2"} <= {"stale_version", "invalid_transition"}, outcomes
        d = Dossier.objects.get(pk=pk)
        assert (d.status, d.version) == ("submitted", 2)
        assert AuditEvent.objects.filter(dossier_id=pk, action="submit").count() == 1
