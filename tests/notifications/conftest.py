"""Helpers for the notification tests: logged-in websocket clients and a Python model of the browser
client (fetch after the last seq held, on connect and on every wake-up, de-duplicate by seq)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client


class BrokenLayer:
    """A channel layer whose every call fails, like Redis refusing connections."""

    extensions: list[str] = []

    def __init__(self, **kwargs: Any) -> None:
        pass

    async def group_send(self, group: str, message: dict) -> None:
        raise ConnectionError("layer down")

    async def group_add(self, group: str, channel: str) -> None:
        raise ConnectionError("layer down")

    async def group_discard(self, group: str, channel: str) -> None:
        raise ConnectionError("layer down")

    async def send(self, channel: str, message: dict) -> None:
        raise ConnectionError("layer down")

    async def new_channel(self, prefix: str = "specific.") -> str:
        return prefix + "broken"

    async def receive(self, channel: str) -> dict:
        await asyncio.sleep(3600)
        raise ConnectionError("layer down")


class RecordingLayer(BrokenLayer):
    sent: list[tuple[str, dict]] = []

    async def group_send(self, group: str, message: dict) -> None:
        RecordingLayer.sent.append((group, message))


class HangingLayer(BrokenLayer):
    """A layer that never answers, like a Redis host that stopped responding."""

    async def group_send(self, group: str, message: dict) -> None:
        await asyncio.sleep(30)


def session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def ws_headers(cookie: str | None, origin: str | None = "http://testserver") -> list[tuple[bytes, bytes]]:
    headers = []
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if cookie is not None:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return headers


def asgi_app():
    from config.asgi import application

    return application


async def open_socket(user: Any = None, *, origin: str | None = "http://testserver") -> WebsocketCommunicator:
    cookie = await sync_to_async(session_cookie)(user) if user is not None else None
    return WebsocketCommunicator(asgi_app(), "/ws/notifications/", headers=ws_headers(cookie, origin))


class OutboxClient:
    """What static/thidua/notifications.js does, in Python: keep the last seq, fetch everything after it,
    drop anything at or below it."""

    def __init__(self, user: Any) -> None:
        self.http = Client()
        self.http.force_login(user)
        self.last_seq = 0
        self.items: list[dict] = []
        self.unread = 0

    def fetch(self) -> list[dict]:
        new: list[dict] = []
        while True:
            data = self.http.get(f"/notifications/since/{self.last_seq}/").json()
            for item in data["items"]:
                if item["seq"] > self.last_seq:
                    self.last_seq = item["seq"]
                    new.append(item)
            self.unread = data["unread"]
            if not data["more"]:
                break
        self.items.extend(new)
        return new

    @property
    def seqs(self) -> list[int]:
        return [i["seq"] for i in self.items]


@pytest.fixture
def users(django_user_model):
    """Three users with an active role each (a socket needs one), without the whole demo seed."""
    from nominations.models import Authority, Role, RoleAssignment

    authority = Authority.objects.create(code="xa-thu", name="Xã Thử", province="Thái Nguyên")
    made = {}
    for name in ("an", "binh", "chi"):
        u = django_user_model.objects.create_user(username=name, password="pw-not-used", email=f"{name}@x.vn")
        RoleAssignment.objects.create(user=u, authority=authority, role=Role.REVIEWER)
        made[name] = u
    return made


@pytest.fixture(autouse=True)
def _close_worker_thread_connections():
    """database_sync_to_async runs ORM calls in asgiref's single worker thread, whose connection
    (CONN_MAX_AGE > 0) would otherwise keep PostgreSQL from dropping the test database."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    executor = getattr(SyncToAsync, "single_thread_executor", None)
    if executor is not None:
        executor.submit(connections.close_all).result(timeout=10)
