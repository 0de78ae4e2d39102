"""The database refuses UPDATE and DELETE on the ledger tables, through the ORM and raw SQL alike.

PostgreSQL: row triggers raise on UPDATE/DELETE with no way round them; a statement trigger refuses
TRUNCATE unless the transaction set `thidua.ledger_maintenance` (only the `flush` command does, so test
databases can still be emptied). SQLite: UPDATE is refused outright; DELETE is refused while the
per-connection SQL function `thidua_ledger_sealed()` answers 1, which it always does except inside
`ledger_maintenance()` (again, only `flush`). A connection that lacks the function (the sqlite3 shell)
fails with "no such function" — still a refusal.

Chain heads (workflows_chainhead) stay updatable: they are a cache of each chain's tip, checked by the
verifier against the events and the signed checkpoints.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.db.backends.signals import connection_created

# Tables whose rows, once written, are never changed or removed.
APPEND_ONLY_TABLES = ("workflows_auditevent", "workflows_checkpoint")

_state = threading.local()


def _sealed() -> int:
    return 0 if getattr(_state, "maintenance", False) else 1


@contextlib.contextmanager
def ledger_maintenance() -> Iterator[None]:
    """Lets this thread's SQLite connections empty the ledger (used by `flush` only)."""
    _state.maintenance = True
    try:
        yield
    finally:
        _state.maintenance = False


def _register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("thidua_ledger_sealed", 0, _sealed)


connection_created.connect(_register_sqlite_function, dispatch_uid="thidua_ledger_sealed")


def _sqlite_create(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"WHEN thidua_ledger_sealed() "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
    ]


def _sqlite_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION thidua_ledger_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('thidua.ledger_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def _pg_create(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION thidua_ledger_refuse()",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION thidua_ledger_refuse()",
    ]


def _pg_drop(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
    ]


def install_triggers(schema_editor: Any, tables: tuple[str, ...]) -> None:
    vendor = schema_editor.connection.vendor
    statements: list[str] = []
    if vendor == "postgresql":
        statements.append(PG_FUNCTION)
        for table in tables:
            statements += _pg_create(table)
    elif vendor == "sqlite":
        for table in tables:
            statements += _sqlite_create(table)
    for sql in statements:
        schema_editor.execute(sql, None)


def remove_triggers(schema_editor: Any, tables: tuple[str, ...]) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        for sql in (
            _pg_drop(table) if vendor == "postgresql" else _sqlite_drop(table) if vendor == "sqlite" else []
        ):
            schema_editor.execute(sql, None)


def triggers_present(connection: Any, table: str = "workflows_auditevent") -> bool:
    """True when the refusing triggers exist on `table` (a migration that rebuilds the table on SQLite
    would silently drop them; the in-app verifier reports that)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
            return cursor.fetchone()[0] >= 2
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
                [table],
            )
            return cursor.fetchone()[0] >= 2
    return False
