"""The council session's live channel: ballots returned per dossier (who, never how) and the closing.

Only people who may see the session join its group; messages carry counts and names of voters, which
members and the secretary may see, and never a choice.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .actions.council import council_group, session_progress


@database_sync_to_async
def _visible_session(user: Any, session_id: int) -> tuple[bool, dict[str, Any] | None]:
    from .council_views import sessions_visible_to

    session = sessions_visible_to(user).filter(pk=session_id).first()
    if session is None:
        return False, None
    return True, {"type": "progress", "status": session.status, "rows": session_progress(session=session)}


class CouncilSessionConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        allowed, snapshot = await _visible_session(user, session_id)
        if not allowed:
            await self.close(code=4404)
            return
        self.group = council_group(session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(snapshot)

    async def disconnect(self, code: int) -> None:
        group = getattr(self, "group", None)
        if group:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def council_progress(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "progress", "status": event["status"], "rows": event["rows"]})

    async def council_closed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "closed", "session_id": event["session_id"]})
