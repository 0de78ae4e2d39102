"""The websocket through the project's real ASGI stack (origin validator + session auth + router)."""

from __future__ import annotations

import time

import pytest
from channels.db import database_sync_to_async
from django.db import transaction
from django.test import override_settings

from notifications.services import notify

from .conftest import OutboxClient, open_socket

pytestmark = pytest.mark.django_db(transaction=True)


async def connected(user, **kwargs):
    comm = await open_socket(user, **kwargs)
    ok, _code = await comm.connect()
    assert ok
    hello = await comm.receive_json_from(timeout=2)
    assert hello["type"] == "hello"
    return comm, hello


@database_sync_to_async
def notify_in_action(recipients, title="t"):
    with transaction.atomic():
        return notify(recipients=recipients, kind="task", title=title)


async def test_anonymous_is_refused(users):
    comm = await open_socket(None)
    ok, code = await comm.connect()
    assert not ok
    assert code == 4401


@pytest.mark.parametrize("origin", ["http://evil.example", None])
async def test_foreign_or_missing_origin_is_refused(users, origin):
    comm = await open_socket(users["an"], origin=origin)
    ok, _code = await comm.connect()
    assert not ok


async def test_deactivated_or_roleless_user_is_refused(users):
    def strip():
        users["binh"].roles.update(active=False)
        users["chi"].is_active = False
        users["chi"].save()

    await database_sync_to_async(strip)()
    for name in ("binh", "chi"):
        comm = await open_socket(users[name])
        ok, code = await comm.connect()
        assert not ok
        assert code == 4401


async def test_own_wakeups_only(users):
    an, _ = await connected(users["an"])
    binh, _ = await connected(users["binh"])
    await notify_in_action([users["an"]])
    assert await an.receive_json_from(timeout=2) == {"type": "wake", "upto": 1}
    assert await binh.receive_nothing(timeout=0.3)
    await notify_in_action([users["binh"]])
    assert await binh.receive_json_from(timeout=2) == {"type": "wake", "upto": 1}
    assert await an.receive_nothing(timeout=0.3)
    await an.disconnect()
    await binh.disconnect()


async def test_hello_carries_the_latest_seq(users):
    await notify_in_action([users["an"]])
    await notify_in_action([users["an"]])
    comm, hello = await connected(users["an"])
    assert hello["upto"] == 2
    await comm.send_json_to({"type": "ping"})
    assert await comm.receive_json_from(timeout=2) == {"type": "pong"}
    await comm.disconnect()


async def _closed_within(comm, seconds: float) -> int:
    started = time.monotonic()
    out = await comm.receive_output(timeout=seconds)
    assert out["type"] == "websocket.close"
    assert time.monotonic() - started < seconds
    return out["code"]


async def test_deactivated_user_is_disconnected_within_two_seconds(users):
    comm, _ = await connected(users["an"])
    other, _ = await connected(users["binh"])

    def deactivate():
        users["an"].is_active = False
        users["an"].save(update_fields=["is_active"])

    await database_sync_to_async(deactivate)()
    assert await _closed_within(comm, 2) == 4403
    assert await other.receive_nothing(timeout=0.3)  # nobody else is touched
    await other.disconnect()


@pytest.mark.parametrize("change", ["deactivate_role", "delete_role"])
async def test_user_who_loses_a_role_is_disconnected_within_two_seconds(users, change):
    comm, _ = await connected(users["an"])

    def lose_role():
        role = users["an"].roles.get()
        if change == "delete_role":
            role.delete()
        else:
            role.active = False
            role.save()

    await database_sync_to_async(lose_role)()
    assert await _closed_within(comm, 2) == 4403
    # Reconnecting re-checks against fresh data: no role, no socket.
    again = await open_socket(users["an"])
    ok, _code = await again.connect()
    assert not ok


@override_settings(NOTIFICATIONS_RECHECK_SECONDS=0.3)
async def test_changes_no_signal_sees_are_caught_by_the_periodic_recheck(users):
    comm, _ = await connected(users["an"])

    def bulk_deactivate():  # queryset.update() fires no post_save
        type(users["an"]).objects.filter(pk=users["an"].pk).update(is_active=False)

    await database_sync_to_async(bulk_deactivate)()
    assert await _closed_within(comm, 2) == 4403


async def test_reconnecting_client_replays_what_it_missed_in_order(users):
    client = await database_sync_to_async(OutboxClient)(users["an"])
    comm, _ = await connected(users["an"])
    await notify_in_action([users["an"]], "first")
    assert (await comm.receive_json_from(timeout=2))["upto"] == 1
    await database_sync_to_async(client.fetch)()
    await comm.disconnect()

    for i in range(10):  # offline: nobody listening
        await notify_in_action([users["an"]], f"offline {i}")

    comm, hello = await connected(users["an"])
    assert hello["upto"] == 11
    await database_sync_to_async(client.fetch)()  # the client fetches on every (re)connect
    assert client.seqs == list(range(1, 12))
    assert [i["title"] for i in client.items[1:]] == [f"offline {i}" for i in range(10)]
    # A duplicate wake-up (e.g. re-sent after a reconnect) adds nothing.
    await database_sync_to_async(client.fetch)()
    assert client.seqs == list(range(1, 12))
    await comm.disconnect()
