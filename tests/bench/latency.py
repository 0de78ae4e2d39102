"""What the page-latency benchmarks share: a warmed median of GETs, fresh planner statistics after a
bulk load, and the "small → big; ratio" report."""

from __future__ import annotations

import statistics
import time

from django.db import connection


def median_get(client, path: str, repeat: int) -> float:
    client.get(path)  # warm caches and prepared statements
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200
    return statistics.median(times)


def analyze(*tables: str) -> None:
    """After a bulk load PostgreSQL plans from stale statistics until autovacuum runs: refresh them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("; ".join(f"ANALYZE {t}" for t in tables))


def report(name: str, *, repeat: int, small_n: int, big_n: int, small: dict, big: dict) -> None:
    print(f"\n[{name}] {connection.vendor}, median of {repeat}: {big_n:,} vs {small_n:,} dossiers")
    width = max(map(len, small)) + 2
    for label in small:
        print(
            f"  {label:{width}s} {small[label] * 1000:7.1f} ms -> {big[label] * 1000:7.1f} ms; "
            f"ratio {big[label] / small[label]:.2f}x (target <= 1.5x)"
        )
