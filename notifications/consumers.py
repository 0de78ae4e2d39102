"""The websocket: joins only the user's own group (and those of the queues they work) and forwards
"news up to N" wake-ups and "a task list changed" pings.

The socket never carries notification content, only the newest sequence number; the client fetches the
rows over HTTP (session-scoped), so a lost or duplicated push can never lose or duplicate an item.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from .access import may_receive
from .models import RecipientCursor
from .services import extra_groups, user_group

# Close codes the client understands: 4401 = not logged in / not allowed (do not retry eagerly),
# 4403 = access changed (reconnect, which re-checks).
CLOSE_REFUSED = 4401
CLOSE_REVOKED = 4403


@database_sync_to_async
def _allowed(user_id: int) -> bool:
    return may_receive(user_id=user_id)


@database_sync_to_async
def _extra_groups(user_id: int) -> list[str]:
    return extra_groups(user_id)


@database_sync_to_async
def _last_seq(user_id: int) -> int:
    return RecipientCursor.objects.filter(user_id=user_id).values_list("last_seq", flat=True).first() or 0


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    user_id: int | None = None
    groups: list[str] = []
    _recheck: asyncio.Task | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not await _allowed(user.pk):
            await self.close(code=CLOSE_REFUSED)
            return
        self.user_id = user.pk
        # The user's own group, plus the groups of the queues they work (computed now: a role change
        # closes the socket, and the reconnect joins the new set).
        self.groups = [user_group(user.pk), *await _extra_groups(user.pk)]
        for group in self.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        # The client fetches on every (re)connect anyway; telling it the newest number saves a round trip
        # when it is already up to date.
        await self.send_json({"type": "hello", "upto": await _last_seq(user.pk)})
        # Fallback for changes no signal sees (queryset.update(), Redis down when the role changed).
        self._recheck = asyncio.ensure_future(self._recheck_loop())

    async def disconnect(self, code: int) -> None:
        if self._recheck is not None:
            self._recheck.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._recheck
        for group in self.groups:
            with contextlib.suppress(Exception):  # the layer may be down; its group entry expires
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Clients only listen; a ping keeps proxies from closing an idle socket.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def _recheck_loop(self) -> None:
        interval = float(getattr(settings, "NOTIFICATIONS_RECHECK_SECONDS", 30))
        while True:
            await asyncio.sleep(interval)
            if self.user_id is None or not await _allowed(self.user_id):
                await self.close(code=CLOSE_REVOKED)
                return

    async def notify_wake(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "wake", "upto": event["upto"]})

    async def notify_queue(self, event: dict[str, Any]) -> None:
        # "A task list you can see changed": the page re-fetches it (its own query decides what shows).
        await self.send_json({"type": "queue"})

    async def notify_revoke(self, event: dict[str, Any]) -> None:
        # Any change to the user's account or roles closes the socket: a reconnect re-runs every check
        # against fresh data, so no stale permission survives on an open socket.
        await self.close(code=CLOSE_REVOKED)
