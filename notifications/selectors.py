"""Reads of the outbox, always scoped to one recipient."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Notification, RecipientCursor

FETCH_LIMIT = 200


def notifications_for(*, user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user_id)


def notifications_since(*, user_id: int, seq: int, limit: int = FETCH_LIMIT) -> list[Notification]:
    """Everything after `seq` for this recipient, oldest first; the client asks again while `more`."""
    return list(notifications_for(user_id=user_id).filter(seq__gt=seq).order_by("seq")[:limit])


def unread_count(*, user_id: int) -> int:
    return notifications_for(user_id=user_id).filter(read_at__isnull=True).count()


def last_seq(*, user_id: int) -> int:
    return RecipientCursor.objects.filter(user_id=user_id).values_list("last_seq", flat=True).first() or 0


def digest_enabled(*, user_id: int) -> bool:
    value = RecipientCursor.objects.filter(user_id=user_id).values_list("email_digest", flat=True).first()
    return True if value is None else value


def as_json(row: Notification) -> dict[str, Any]:
    return {
        "id": row.pk,
        "seq": row.seq,
        "kind": row.kind,
        "title": row.title,
        "body": row.body,
        "url": row.url,
        "data": row.data,
        "created_at": row.created_at.isoformat(),
        "read": row.read_at is not None,
    }
