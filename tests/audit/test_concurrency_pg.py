"""50 concurrent actions on PostgreSQL leave gapless, valid chains; a naive append under the same
harness forks or collides (proof that the harness really creates contention)."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connections, transaction

from nominations.models import Unit
from tests import factories as f
from workflows import actions
from workflows.canonical import GENESIS, canonical_bytes, sha256_hex
from workflows.errors import ActionError
from workflows.ledger import ledger_append, ledger_verify_live
from workflows.models import AuditEvent, ChainHead

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 50


def _run_threads(target, n=THREADS):
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def run(i):
        try:
            barrier.wait(timeout=60)
            target(i)
        except BaseException as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return errors


def _assert_gapless(chain):
    rows = list(
        AuditEvent.objects.filter(chain=chain)
        .order_by("chain_seq")
        .values_list("chain_seq", "prev_hash", "hash", "body")
    )
    prev = GENESIS
    for n, (seq, prev_hash, digest, body) in enumerate(rows, start=1):
        assert seq == n and prev_hash == prev and sha256_hex(body.encode()) == digest
        prev = digest
    head = ChainHead.objects.get(chain=chain)
    assert (head.seq, head.hash) == (len(rows), prev)
    return len(rows)


def test_fifty_concurrent_actions_leave_gapless_valid_chains(demo, today_in_window, keys_dir):
    u = demo
    unit = Unit.objects.get(code="thon-dong-hy")
    dossiers = [
        f.draft(actor=u["donvi"], unit=unit, nominee_obj=f.nominee(unit, f"Người {i}")) for i in range(5)
    ]

    def edit(i):
        # Ten writers per dossier, each retrying on a stale version until its edit lands.
        d = dossiers[i % len(dossiers)]
        for _attempt in range(200):
            version = type(d).objects.values_list("version", flat=True).get(pk=d.pk)
            try:
                actions.dossier_update(
                    actor=u["donvi"],
                    dossier_id=d.pk,
                    expected_version=version,
                    changes={"achievement_summary": f"Bản sửa {i}"},
                )
                return
            except ActionError as exc:
                if exc.code not in {"stale_version", "conflict"}:
                    raise
        raise AssertionError("edit never landed")

    errors = _run_threads(edit)
    assert errors == []
    for d in dossiers:
        assert _assert_gapless(f"dossier:{d.pk}") == 1 + THREADS // len(dossiers)
    report = ledger_verify_live()
    assert report.ok, report.text()


def _naive_append(chain, n):
    # The guard removed: read the head without locking it.
    head = ChainHead.objects.filter(chain=chain).first()
    seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
    body = canonical_bytes({"chain": chain, "seq": seq + 1, "prev_hash": prev, "n": n})
    AuditEvent.objects.create(
        chain=chain,
        chain_seq=seq + 1,
        at="2026-11-25T00:00:00Z",
        action="naive",
        payload={},
        prev_hash=prev,
        hash=sha256_hex(body),
        body=body.decode(),
    )
    ChainHead.objects.update_or_create(chain=chain, defaults={"seq": seq + 1, "hash": sha256_hex(body)})


def test_a_naive_append_fails_under_the_same_harness():
    def append(i):
        with transaction.atomic():
            _naive_append("system", i)

    errors = _run_threads(append)
    landed = AuditEvent.objects.filter(chain="system").count()
    # Concurrent readers saw the same head: their inserts collide on (chain, seq).
    assert any(isinstance(e, IntegrityError) for e in errors)
    assert landed < THREADS


def test_ledger_append_under_the_same_harness_stays_gapless():
    def append(i):
        with transaction.atomic():
            ledger_append(actor=None, action="config_change", payload={"n": i})

    assert _run_threads(append) == []
    assert _assert_gapless("system") == THREADS
