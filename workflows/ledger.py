"""The audit ledger: append-only events in hash chains (one per dossier, one for the system).

Called by actions inside their transaction, after the dossier row is locked, so each dossier's
chain grows without a global lock. System events lock the single "system" chain head.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .canonical import GENESIS, canonical_bytes, plain, sha256_hex
from .models import AuditEvent, ChainHead

SYSTEM_CHAIN = "system"


def dossier_chain(dossier_id: int) -> str:
    return f"dossier:{dossier_id}"


def _locked_head(chain: str) -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            ChainHead.objects.create(chain=chain, seq=0, hash=GENESIS)
    except IntegrityError:
        pass  # created concurrently; lock the winner's row below
    return ChainHead.objects.select_for_update().get(chain=chain)


def ledger_append(
    *,
    actor: Any | None,
    action: str,
    dossier: Any | None = None,
    chain: str | None = None,
    from_state: str = "",
    to_state: str = "",
    payload: dict[str, Any] | None = None,
    seen_hash: str = "",
    acting_for: str = "",
) -> AuditEvent:
    """Append one event to its chain in the caller's transaction and return it."""
    if not connection.in_atomic_block:
        # Signal handlers (sign-in failures) may call this outside an action; the head lock needs one.
        with transaction.atomic():
            return ledger_append(
                actor=actor,
                action=action,
                dossier=dossier,
                chain=chain,
                from_state=from_state,
                to_state=to_state,
                payload=payload,
                seen_hash=seen_hash,
                acting_for=acting_for,
            )
    if chain is None:
        chain = dossier_chain(dossier.pk) if dossier is not None else SYSTEM_CHAIN
    head = _locked_head(chain)
    at = timezone.now()
    seq = head.seq + 1
    actor_id = getattr(actor, "pk", None)
    actor_name = actor.get_username() if actor is not None else ""
    unit_id = getattr(dossier, "unit_id", None)
    body: dict[str, Any] = {
        "chain": chain,
        "seq": seq,
        "at": at.isoformat(),
        "actor_id": actor_id,
        "actor": actor_name,
        "acting_for": acting_for,
        "action": action,
        "dossier_id": dossier.pk if dossier is not None else None,
        "unit_id": unit_id,
        "from": from_state,
        "to": to_state,
        # Stored exactly as hashed, so the columns re-serialise to the body byte for byte.
        "payload": plain(payload or {}),
        "seen_hash": seen_hash,
        "prev_hash": head.hash,
    }
    raw = canonical_bytes(body)
    digest = sha256_hex(raw)
    event = AuditEvent.objects.create(
        chain=chain,
        chain_seq=seq,
        at=at,
        actor_id=actor_id,
        actor_name=actor_name,
        acting_for=acting_for,
        action=action,
        dossier_id=body["dossier_id"],
        unit_id=unit_id,
        from_state=from_state,
        to_state=to_state,
        payload=body["payload"],
        seen_hash=seen_hash,
        prev_hash=head.hash,
        hash=digest,
        body=raw.decode("utf-8"),
    )
    ChainHead.objects.filter(chain=chain).update(seq=seq, hash=digest)
    return event


# --- Export (read by the Django-free verifier, workflows/verify.py) -------------------------------

EXPORT_FORMAT = "thidua-audit-export/1"
_EVENT_FIELDS = (
    "id",
    "hash",
    "body",
    "chain",
    "chain_seq",
    "at",
    "actor_id",
    "actor_name",
    "acting_for",
    "action",
    "dossier_id",
    "unit_id",
    "from_state",
    "to_state",
    "payload",
    "seen_hash",
    "prev_hash",
)


def _line(obj: dict[str, Any]) -> bytes:
    return canonical_bytes(obj) + b"\n"


def event_columns(row: tuple[Any, ...]) -> dict[str, Any]:
    """The columns the application shows, under the body's names: intact, they re-serialise to the body."""
    (
        _id,
        _hash,
        _body,
        chain,
        seq,
        at,
        actor_id,
        actor_name,
        acting_for,
        action,
        dossier_id,
        unit_id,
        from_state,
        to_state,
        payload,
        seen_hash,
        prev_hash,
    ) = row
    return {
        "chain": chain,
        "seq": seq,
        "at": at.isoformat(),
        "actor_id": actor_id,
        "actor": actor_name,
        "acting_for": acting_for,
        "action": action,
        "dossier_id": dossier_id,
        "unit_id": unit_id,
        "from": from_state,
        "to": to_state,
        "payload": payload,
        "seen_hash": seen_hash,
        "prev_hash": prev_hash,
    }


def event_export_line(row: tuple[Any, ...]) -> bytes:
    return b"".join(
        (
            b'{"type":"event","hash":"',
            row[1].encode(),
            b'","id":',
            str(row[0]).encode(),
            b',"columns":',
            canonical_bytes(event_columns(row)),
            b',"body":',
            row[2].encode("utf-8"),
            b"}\n",
        )
    )


def ledger_export_lines(*, events: Any = None, with_state: bool = True) -> Iterator[bytes]:
    """The export, line by line: header, checkpoints, events (id order), heads, current state, end.

    `events` narrows the events (a filtered AuditEvent queryset, for the auditor's exports); the full
    export (None) is what the verifier needs to check every chain.
    """
    from nominations.models import Dossier, QuotaLedger

    from .models import Checkpoint

    yield _line(
        {
            "type": "header",
            "format": EXPORT_FORMAT,
            "exported_at": timezone.now().isoformat(),
            "complete": events is None,
        }
    )
    n_checkpoints = 0
    for cp in Checkpoint.objects.order_by("id").iterator(chunk_size=500):
        n_checkpoints += 1
        yield _line(
            {
                "type": "checkpoint",
                "id": cp.pk,
                "key_id": cp.key_id,
                "hash": cp.hash,
                "signature": cp.signature,
                "body": cp.body,
            }
        )
    qs = AuditEvent.objects.all() if events is None else events
    n_events = 0
    for row in qs.order_by("id").values_list(*_EVENT_FIELDS).iterator(chunk_size=2000):
        n_events += 1
        yield event_export_line(row)
    if events is None:
        for chain, seq, digest in ChainHead.objects.order_by("chain").values_list("chain", "seq", "hash"):
            yield _line({"type": "head", "chain": chain, "seq": seq, "hash": digest})
    if with_state and events is None:
        for pk, status in (
            Dossier.objects.order_by("pk").values_list("pk", "status").iterator(chunk_size=2000)
        ):
            yield _line({"type": "dossier", "id": pk, "status": status})
        for pk, used in QuotaLedger.objects.order_by("pk").values_list("pk", "used"):
            yield _line({"type": "quota", "id": pk, "used": used})
    yield _line({"type": "end", "events": n_events, "checkpoints": n_checkpoints})


def ledger_record_download(*, actor: Any, payload: dict[str, Any], dossier: Any | None = None) -> None:
    """Who fetched which file, when: on the dossier's chain for its attachments, on the system chain
    for documents (a decision or a package covers several dossiers). Written before the file is served."""
    status = str(dossier.status) if dossier is not None else ""
    ledger_append(
        actor=actor,
        action="attachment_download" if dossier is not None else "document_download",
        dossier=dossier,
        from_state=status,
        to_state=status,
        payload=payload,
    )


@contextlib.contextmanager
def export_snapshot() -> Iterator[None]:
    """One consistent moment for a multi-statement read (export, in-app verification).

    PostgreSQL: a REPEATABLE READ transaction, so events appended meanwhile are not half-seen.
    SQLite: one transaction (it holds the write lock, so appends wait until the read is done).
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # Inside a caller's transaction (tests, a view) the isolation level is already fixed.
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def ledger_verify_live() -> Any:
    """The verifier's checks against the live database, plus the database's own guards."""
    from pathlib import Path

    from django.conf import settings

    from .ledger_guard import APPEND_ONLY_TABLES, triggers_present
    from .verify import Problem, Verifier, load_public_keys

    keys_dir = Path(settings.KEYS_DIR)
    key_files = sorted(str(p) for p in keys_dir.glob("*.pub.pem")) if keys_dir.exists() else []
    with export_snapshot():
        report = Verifier(load_public_keys(key_files)).feed_all(ledger_export_lines())
    for table in APPEND_ONLY_TABLES:
        if not triggers_present(connection, table):
            report.problems.append(
                Problem("triggers_missing", f"the database no longer refuses UPDATE/DELETE on {table}")
            )
    return report
