"""notify(): write outbox rows in the caller's transaction; wake the recipients after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from .models import Notification, RecipientCursor

log = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    data: dict[str, Any] | None = None,
) -> list[Notification]:
    """One row per distinct recipient, numbered under a lock on that recipient's cursor."""
    rows: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        uid = user if isinstance(user, int) else user.pk
        if uid in seen:
            continue
        seen.add(uid)
        RecipientCursor.objects.get_or_create(user_id=uid)
        RecipientCursor.objects.filter(user_id=uid).update(last_seq=F("last_seq") + 1)
        seq = RecipientCursor.objects.select_for_update().values_list("last_seq", flat=True).get(user_id=uid)
        rows.append(
            Notification.objects.create(
                recipient_id=uid, seq=seq, kind=kind, title=str(title), body=str(body), url=url, data=data or {}
            )
        )
    if rows:
        wake = {r.recipient_id: r.seq for r in rows}
        transaction.on_commit(lambda: push_wakeups(wake))
    return rows


def push_wakeups(latest: dict[int, int]) -> None:
    """Tell each user's sockets "you have news up to N". A failed push never fails the action."""
    layer = get_channel_layer()
    if layer is None:
        return
    for uid, seq in latest.items():
        try:
            async_to_sync(layer.group_send)(user_group(uid), {"type": "notify.wake", "upto": seq})
        except Exception:  # Redis down: clients catch up from the outbox on reconnect.
            log.warning("notification wake-up for user %s not delivered", uid, exc_info=True)
