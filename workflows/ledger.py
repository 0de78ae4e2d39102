"""The audit ledger: append-only events in hash chains (one per dossier, one for the system).

Called by actions inside their transaction, after the dossier row is locked, so each dossier's
chain grows without a global lock. System events lock the single "system" chain head.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .canonical import GENESIS, canonical_bytes, sha256_hex
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
        "payload": payload or {},
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
