"""notify(): write outbox rows in the caller's transaction; wake the recipients after commit."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import Notification, RecipientCursor

log = logging.getLogger(__name__)

# A push that cannot reach the layer in this time is abandoned: the action has already committed and
# the client catches up from the outbox on its next wake-up or reconnect.
PUSH_TIMEOUT_SECONDS = 2.0


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _next_seq(*, user_id: int) -> int:
    """Take the recipient's next number. The UPDATE row-locks the cursor until the caller's transaction
    ends, so a second transaction for the same recipient waits: numbers follow commit order."""
    if not RecipientCursor.objects.filter(user_id=user_id).update(last_seq=F("last_seq") + 1):
        try:
            # The savepoint keeps a lost creation race from poisoning the caller's transaction.
            with transaction.atomic():
                RecipientCursor.objects.create(user_id=user_id, last_seq=1)
            return 1
        except IntegrityError:
            RecipientCursor.objects.filter(user_id=user_id).update(last_seq=F("last_seq") + 1)
    return RecipientCursor.objects.values_list("last_seq", flat=True).get(user_id=user_id)


def _next_seqs(user_ids: list[int]) -> dict[int, int]:
    """Take the next number of each recipient (ids ascending) in one statement; a recipient without a
    cursor yet gets one through _next_seq(). On PostgreSQL the cursors are locked in id order (the
    ordered FOR UPDATE subquery), so two notifications with overlapping recipients cannot deadlock;
    SQLite has one writer at a time."""
    if not user_ids:
        return {}
    # Only the (quoted) table name is interpolated; the ids are parameters.
    table = connection.ops.quote_name(RecipientCursor._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS c SET last_seq = c.last_seq + 1 FROM (SELECT user_id FROM {table}"  # noqa: S608
                " WHERE user_id = ANY(%s) ORDER BY user_id FOR UPDATE) AS locked"
                " WHERE c.user_id = locked.user_id RETURNING c.user_id, c.last_seq",
                [user_ids],
            )
        else:
            marks = ", ".join(["%s"] * len(user_ids))
            cursor.execute(
                f"UPDATE {table} SET last_seq = last_seq + 1 WHERE user_id IN ({marks})"  # noqa: S608
                " RETURNING user_id, last_seq",
                user_ids,
            )
        seqs: dict[int, int] = dict(cursor.fetchall())
    for uid in user_ids:
        if uid not in seqs:
            seqs[uid] = _next_seq(user_id=uid)
    return seqs


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    data: dict[str, Any] | None = None,
) -> list[Notification]:
    """One row per distinct recipient, numbered under a lock on that recipient's cursor.

    Must run inside the acting transaction: if it rolls back, no row exists and no one is woken.
    Payload values must be JSON primitives (channels-redis serialises with msgpack).
    """
    # Locking cursors in ascending id order keeps two actions with overlapping recipients from
    # deadlocking each other.
    user_ids = sorted({user if isinstance(user, int) else user.pk for user in recipients})
    seqs = _next_seqs(user_ids)
    rows = [
        Notification(
            recipient_id=uid,
            seq=seqs[uid],
            kind=kind,
            title=str(title),
            body=str(body),
            url=url,
            data=data or {},
        )
        for uid in user_ids
    ]
    if not rows:
        return rows
    Notification.objects.bulk_create(rows)
    wake = {row.recipient_id: row.seq for row in rows}
    # robust: an exception in the push is logged by Django, never raised into the committed action.
    transaction.on_commit(lambda: push_wakeups(wake), robust=True)
    return rows


async def _send_all(messages: dict[str, dict[str, Any]]) -> list[str]:
    layer = get_channel_layer()
    if layer is None:
        return []
    groups = list(messages)
    results = await asyncio.gather(
        *(asyncio.wait_for(layer.group_send(g, messages[g]), timeout=PUSH_TIMEOUT_SECONDS) for g in groups),
        return_exceptions=True,
    )
    # Redis down or slow: clients catch up from the outbox on their next wake-up or reconnect.
    return [g for g, result in zip(groups, results, strict=True) if isinstance(result, BaseException)]


class _PushLoop:
    """One long-lived event loop thread per process for pushes to a shared layer (Redis): its connection
    pool is reused, where async_to_sync from a plain thread would open a new loop and connection per push.
    Recreated after fork (threads do not survive it)."""

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None
    _pid: int | None = None

    @classmethod
    def get(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None or cls._pid != os.getpid() or cls._loop.is_closed():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="notify-push", daemon=True).start()
                cls._loop, cls._pid = loop, os.getpid()
            return cls._loop


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def push_to_users(*, messages: dict[int, dict[str, Any]]) -> None:
    """Send one channel-layer message per user group; logs and swallows every delivery failure."""
    push_to_groups(messages={user_group(uid): msg for uid, msg in messages.items()})


def push_to_groups(*, messages: dict[str, dict[str, Any]]) -> None:
    """Send one channel-layer message per group; logs and swallows every delivery failure."""
    groups = messages
    if not groups:
        return
    try:
        layer = get_channel_layer()
        if type(layer) is InMemoryChannelLayer and not any(layer.groups.get(g) for g in groups):
            # The in-memory layer lives in this process: no socket here is in any of these groups, so
            # there is nothing to deliver, and no event loop or thread to start for it (ms per push).
            return
        if not isinstance(layer, InMemoryChannelLayer):
            future = asyncio.run_coroutine_threadsafe(_send_all(groups), _PushLoop.get())
            failed = future.result(timeout=PUSH_TIMEOUT_SECONDS + 1)
        elif _loop_running_here():
            # The in-memory layer only works on the loop its consumers run on (async_to_sync from a
            # server thread finds it). async_to_sync refuses a thread that drives an event loop
            # itself: send from a short-lived worker thread instead.
            with ThreadPoolExecutor(max_workers=1) as worker:
                failed = worker.submit(async_to_sync(_send_all), groups).result()
        else:
            failed = async_to_sync(_send_all)(groups)
    except Exception:
        log.warning("notification push to %s groups not delivered", len(groups), exc_info=True)
        return
    if failed:
        log.warning("notification push not delivered to %s", ", ".join(failed))


def push_wakeups(latest: dict[int, int]) -> None:
    """Tell each user's sockets "you have news up to N". A failed push never fails the action."""
    push_to_users(messages={uid: {"type": "notify.wake", "upto": seq} for uid, seq in latest.items()})


# Other apps name extra groups a user's socket joins (workflows: one per queue the user works), so
# this app needs to know nothing about queues. Each source maps a user id to group names.
GROUP_SOURCES: list[Callable[[int], Iterable[str]]] = []


def register_group_source(source: Callable[[int], Iterable[str]]) -> None:
    if source not in GROUP_SOURCES:
        GROUP_SOURCES.append(source)


def extra_groups(user_id: int) -> list[str]:
    return sorted({group for source in GROUP_SOURCES for group in source(user_id)})


def push_queue_changed(groups: Iterable[str]) -> None:
    """After commit, tell the sockets in these groups that a task list changed. No content: the page
    re-fetches its own list, scoped to its user. A rolled-back transaction sends nothing."""
    messages = {g: {"type": "notify.queue"} for g in sorted(set(groups))}
    if messages:
        transaction.on_commit(lambda: push_to_groups(messages=messages), robust=True)


def push_revoke(*, user_id: int) -> None:
    """Ask the user's open sockets to re-check who they belong to (deactivated user, changed role)."""
    push_to_users(messages={user_id: {"type": "notify.revoke"}})


def mark_read(*, user_id: int, ids: Iterable[int]) -> int:
    """Mark the recipient's own rows read; ids of other users' rows are silently ignored."""
    return Notification.objects.filter(recipient_id=user_id, pk__in=list(ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def set_email_digest(*, user_id: int, enabled: bool) -> None:
    RecipientCursor.objects.update_or_create(user_id=user_id, defaults={"email_digest": enabled})
