"""The database itself refuses to change or remove ledger rows, whatever the path (ORM or raw SQL)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from workflows.ledger import SYSTEM_CHAIN, ledger_append
from workflows.ledger_guard import triggers_present
from workflows.models import AuditEvent, ChainHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return ledger_append(actor=None, action="config_change", payload={"what": "quota", "limit": 5})


def _snapshot():
    return list(AuditEvent.objects.order_by("id").values_list("id", "action", "hash", "body", "to_state"))


def test_triggers_are_installed():
    assert triggers_present(connection, "workflows_auditevent")


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(
            lambda e: AuditEvent.objects.filter(pk=e.pk).update(action="forged"), id="orm-queryset-update"
        ),
        pytest.param(lambda e: AuditEvent.objects.filter(pk=e.pk).delete(), id="orm-queryset-delete"),
        pytest.param(lambda e: AuditEvent.objects.all().delete(), id="orm-delete-all"),
        pytest.param(lambda e: e.delete(), id="orm-instance-delete"),
        pytest.param(lambda e: (setattr(e, "to_state", "awarded"), e.save()), id="orm-instance-save"),
    ],
)
def test_orm_cannot_change_or_remove_an_event(event, attempt):
    before = _snapshot()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        attempt(AuditEvent.objects.get(pk=event.pk))
    assert _snapshot() == before


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE workflows_auditevent SET action = 'forged'",
        "UPDATE workflows_auditevent SET body = body || ' '",
        "DELETE FROM workflows_auditevent",
        "DELETE FROM workflows_auditevent WHERE id = (SELECT max(id) FROM workflows_auditevent)",
    ],
)
def test_raw_sql_cannot_change_or_remove_an_event(event, sql):
    before = _snapshot()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert _snapshot() == before


def test_appending_still_works_and_chain_heads_stay_updatable(event):
    second = ledger_append(actor=None, action="config_change", payload={"n": 2})
    head = ChainHead.objects.get(chain=SYSTEM_CHAIN)
    assert (head.seq, head.hash) == (2, second.hash)
    assert second.prev_hash == event.hash


@pytest.mark.postgres
def test_postgres_refuses_truncate(event):
    before = _snapshot()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("TRUNCATE workflows_auditevent")
    assert _snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_flush_between_transactional_tests_still_empties_the_ledger():
    # The teardown of this test flushes the database; it must not trip over the triggers.
    with transaction.atomic():
        ledger_append(actor=None, action="config_change", payload={})
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_starts_with_an_empty_ledger():
    assert AuditEvent.objects.count() == 0
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=ledger_append(actor=None, action="x", payload={}).pk).delete()
