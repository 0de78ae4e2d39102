"""Audit ledger benchmarks (`make bench`). They print ratios measured in one run; they assert nothing
about speed.

1. Verification speed: events verified per second by workflows.verify (with its C accelerator, and in pure
   Python) against the raw speed of SHA-256
   over the same body bytes on this machine (issue target: >= 50%).
2. Auditor event list: latency of the first page (and a deep keyset page) for each filter at a large
   ledger vs 10,000 events (issue target: <= 1.5x).

Sizes: AUDIT_BENCH_EVENTS (default 200,000 for verification) and AUDIT_BENCH_LIST_EVENTS (default
100,000 for the list). The issue's figure is 1,000,000: `AUDIT_BENCH_EVENTS=1000000
AUDIT_BENCH_LIST_EVENTS=1000000 make bench`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import statistics
import time

from workflows.canonical import GENESIS, canonical_bytes, sha256_hex
from workflows.verify import Verifier, _fast

VERIFY_EVENTS = int(os.environ.get("AUDIT_BENCH_EVENTS", "200000"))
LIST_EVENTS = int(os.environ.get("AUDIT_BENCH_LIST_EVENTS", "100000"))
BASE_EVENTS = 10_000
BASE_AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ACTIONS = ("create", "submit", "receive", "appraise", "put_on_agenda", "council_record", "sign", "award")


def _body(i: int, chain: str, seq: int, prev: str, dossier: int) -> dict:
    action = ACTIONS[(seq - 1) % len(ACTIONS)]
    payload: dict = {"note": "Đã tiếp nhận hồ sơ, đủ thành phần theo quy định."}
    if action == "council_record":
        payload["quota"] = {"id": dossier % 7 + 1, "delta": 1}
    return {
        "chain": chain, "seq": seq, "at": (BASE_AT + dt.timedelta(seconds=i)).isoformat(),
        "actor_id": i % 40 + 1, "actor": f"user{i % 40}", "acting_for": "", "action": action,
        "dossier_id": dossier, "unit_id": dossier % 12 + 1, "from": "submitted", "to": "received",
        "payload": payload, "seen_hash": "a" * 64, "prev_hash": prev,
    }  # fmt: skip


def _synthetic_export(n: int) -> tuple[list[bytes], list[bytes]]:
    """Export lines for n events in chains of 8 (a dossier's life), as `audit_export` writes them."""
    lines: list[bytes] = [b'{"format":"thidua-audit-export/1","type":"header"}\n']
    bodies: list[bytes] = []
    tips: dict[str, tuple[int, str]] = {}
    for i in range(n):
        dossier = i // 8 + 1
        chain = f"dossier:{dossier}"
        seq, prev = tips.get(chain, (0, GENESIS))
        raw = canonical_bytes(_body(i, chain, seq + 1, prev, dossier))
        digest = sha256_hex(raw)
        tips[chain] = (seq + 1, digest)
        lines.append(
            b'{"type":"event","hash":"' + digest.encode() + b'","id":' + str(i + 1).encode()
            + b',"columns":' + raw + b',"body":' + raw + b"}\n"
        )  # fmt: skip
        bodies.append(raw)
    lines.append(b'{"checkpoints":0,"events":%d,"type":"end"}\n' % n)
    return lines, bodies


def _best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def test_verification_speed_vs_raw_sha256():
    lines, bodies = _synthetic_export(VERIFY_EVENTS)
    sha256 = hashlib.sha256

    def raw():
        for body in bodies:
            sha256(body).hexdigest()

    def bulk():
        h = sha256()
        for body in bodies:
            h.update(body)
        h.hexdigest()

    reports = []

    def verify():
        reports.append(Verifier().feed_all(lines))

    def verify_pure():
        reports.append(Verifier(accelerate=False).feed_all(lines))

    t_raw, t_bulk = _best_of(3, raw), _best_of(3, bulk)
    t_verify, t_pure = _best_of(3, verify), _best_of(3, verify_pure)
    assert all(r.ok and r.events == VERIFY_EVENTS for r in reports)  # correctness, not speed
    n = VERIFY_EVENTS
    accelerated = "with the C accelerator" if _fast is not None else "accelerator NOT built"
    print(
        f"\n[audit verify] {n} events, {sum(map(len, bodies)) / n:.0f} bytes/body: "
        f"raw SHA-256 per event {n / t_raw:,.0f}/s (streamed over all bytes {n / t_bulk:,.0f}/s); "
        f"verifier ({accelerated}) {n / t_verify:,.0f}/s = {t_raw / t_verify:.0%} of raw per-event SHA-256 "
        f"(target >= 50%); pure Python {n / t_pure:,.0f}/s = {t_raw / t_pure:.0%}"
    )


# --- event list latency -------------------------------------------------------------------------


def _bulk_events(start: int, stop: int, *, users: list[int], units: list[int]) -> None:
    from workflows.models import AuditEvent

    batch = []
    for i in range(start, stop):
        dossier = i // 8 + 1
        seq = i % 8 + 1
        batch.append(
            AuditEvent(
                chain=f"dossier:{dossier}", chain_seq=seq, at=BASE_AT + dt.timedelta(seconds=30 * i),
                actor_id=users[i % len(users)], actor_name=f"user{i % len(users)}", action=ACTIONS[seq - 1],
                dossier_id=dossier, unit_id=units[dossier % len(units)], from_state="submitted", to_state="received", payload={"n": i},
                prev_hash="0" * 64, hash=hashlib.sha256(str(i).encode()).hexdigest(), body="{}",
            )
        )  # fmt: skip
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    if batch:
        AuditEvent.objects.bulk_create(batch)
    # A ledger that grew to millions of rows has planner statistics (autovacuum keeps them); a bulk load
    # in a test transaction has none until analysed, and the planner then guesses.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflows_auditevent")


def _list_queries(n: int, unit: int) -> dict[str, dict]:
    """Filters an auditor uses; the date range is one day near the newest events."""
    day = (BASE_AT + dt.timedelta(seconds=30 * (n - 2000))).date()
    return {
        "all": {},
        "actor": {"actor": "user7"},
        "action": {"action": "receive"},
        "dossier": {"dossier": str(max(1, (n - 500) // 8))},
        "unit": {"unit": str(unit)},
        "date range": {"date_from": day.isoformat(), "date_to": day.isoformat()},
        "actor+action": {"actor": "user3", "action": "appraise"},
        "deep page": {"before": str(n // 2)},
    }


def _measure_query(queries: dict[str, dict], runs: int = 15) -> dict[str, float]:
    """The keyset query alone (what grows with the ledger), without template rendering."""
    from workflows.audit_views import EventFilter

    out = {}
    for label, params in queries.items():
        samples = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            EventFilter(params).page()
            samples.append(time.perf_counter() - start)
        out[label] = statistics.median(samples[1:])
    return out


def _measure(client, url: str, queries: dict[str, dict], runs: int = 7) -> dict[str, float]:
    out = {}
    for label, params in queries.items():
        client.get(url, params)  # warm caches and prepared statements
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url, params)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200
        out[label] = statistics.median(samples)
    return out


def test_event_list_latency_large_vs_ten_thousand(client, django_user_model, plan):
    from django.urls import reverse

    from nominations.models import Unit

    users = [django_user_model.objects.create(username=f"user{n}").pk for n in range(40)]
    units = list(Unit.objects.order_by("pk").values_list("pk", flat=True)) or [1]
    root = django_user_model.objects.create_superuser("bench-auditor", "a@example.org", "x")
    client.force_login(root)
    url = reverse("workflows:audit_events")
    _bulk_events(0, BASE_EVENTS, users=users, units=units)
    small_q = _measure_query(_list_queries(BASE_EVENTS, units[0]))
    small = _measure(client, url, _list_queries(BASE_EVENTS, units[0]))
    _bulk_events(BASE_EVENTS, LIST_EVENTS, users=users, units=units)
    large_q = _measure_query(_list_queries(LIST_EVENTS, units[0]))
    large = _measure(client, url, _list_queries(LIST_EVENTS, units[0]))
    print(f"\n[audit list] page latency, {LIST_EVENTS:,} events vs {BASE_EVENTS:,} (target <= 1.5x):")
    print(f"  {'filter':13s} {'query only':>30s}   {'whole page (HTTP)':>30s}")
    for label in small:
        print(
            f"  {label:13s} {small_q[label] * 1000:7.2f} ms -> {large_q[label] * 1000:7.2f} ms {large_q[label] / small_q[label]:5.2f}x"
            f"   {small[label] * 1000:7.1f} ms -> {large[label] * 1000:7.1f} ms {large[label] / small[label]:5.2f}x"
        )
