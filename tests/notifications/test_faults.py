"""Faults: the channel layer down, a browser offline, transactions committing out of order."""

from __future__ import annotations

import os
import threading
import time

import pytest
from channels.db import database_sync_to_async
from django.db import connection, transaction
from django.test import override_settings

from notifications.models import Notification
from notifications.services import notify

from .conftest import OutboxClient, open_socket

pytestmark = pytest.mark.django_db(transaction=True)


def redis_layer() -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": os.environ.get("REDIS_URL", ""), "socket_timeout": None}]},
        }
    }


# Nothing listens on port 1: every push is refused, as when Redis is stopped.
CLOSED_PORT_LAYER = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0", "socket_timeout": 1}]},
    }
}


@database_sync_to_async
def action(user, title):
    with transaction.atomic():
        notify(recipients=[user], kind="task", title=title)


async def connected(user):
    comm = await open_socket(user)
    ok, _ = await comm.connect()
    assert ok
    hello = await comm.receive_json_from(timeout=3)
    return comm, hello


@pytest.mark.redis
async def test_layer_down_actions_commit_and_a_reconnecting_client_gets_all_20_in_order(users):
    an = users["an"]
    client = await database_sync_to_async(OutboxClient)(an)
    with override_settings(CHANNEL_LAYERS=redis_layer()):
        comm, _ = await connected(an)
        await database_sync_to_async(client.fetch)()
        assert client.items == []

    with override_settings(CHANNEL_LAYERS=CLOSED_PORT_LAYER):
        started = time.monotonic()
        for i in range(20):
            await action(an, f"while down {i:02d}")  # must not raise
        assert time.monotonic() - started < 20
    assert await database_sync_to_async(Notification.objects.filter(recipient=an).count)() == 20
    # While the layer was down the old socket heard nothing.
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()

    with override_settings(CHANNEL_LAYERS=redis_layer()):  # Redis is back: the browser reconnects
        comm, hello = await connected(an)
        assert hello["upto"] == 20
        await database_sync_to_async(client.fetch)()
        assert client.seqs == list(range(1, 21))
        assert [i["title"] for i in client.items] == [f"while down {i:02d}" for i in range(20)]

        await action(an, "after recovery")
        assert await comm.receive_json_from(timeout=3) == {"type": "wake", "upto": 21}
        new = await database_sync_to_async(client.fetch)()
        assert [i["seq"] for i in new] == [21]
        assert client.seqs == list(range(1, 22))  # no duplicate
        await comm.disconnect()


@pytest.mark.redis
async def test_offline_during_10_events_gets_all_10_on_reconnect(users):
    an, binh = users["an"], users["binh"]
    with override_settings(CHANNEL_LAYERS=redis_layer()):
        client = await database_sync_to_async(OutboxClient)(an)
        comm, _ = await connected(an)
        await comm.disconnect()
        for i in range(10):
            await action(an, f"offline {i}")
            await action(binh, "someone else's")
        comm, hello = await connected(an)
        assert hello["upto"] == 10
        await database_sync_to_async(client.fetch)()
        assert client.seqs == list(range(1, 11))
        assert all(i["title"].startswith("offline") for i in client.items)
        await comm.disconnect()


def _in_thread(target, *args):
    errors: list[BaseException] = []

    def run():
        try:
            target(*args)
        except BaseException as exc:  # surfaced in the test thread
            errors.append(exc)
        finally:
            connection.close()

    t = threading.Thread(target=run)
    t.start()
    return t, errors


@pytest.mark.postgres
def test_a_row_whose_transaction_commits_later_is_still_delivered(users):
    """T1 numbers a row for An and stalls before commit. T2, for An too, must wait for An's cursor lock,
    so its higher number can never become visible before T1's lower one. Meanwhile T3 (for Bình) takes a
    higher row id and commits first; An's fetch-after-seq still gets T1's row."""
    an, binh = users["an"], users["binh"]
    reader = OutboxClient(an)
    t1_numbered, release_t1 = threading.Event(), threading.Event()

    def t1():
        with transaction.atomic():
            notify(recipients=[an], kind="k", title="T1")
            t1_numbered.set()
            assert release_t1.wait(10)

    def t2():
        with transaction.atomic():
            notify(recipients=[an], kind="k", title="T2")

    def t3():
        with transaction.atomic():
            notify(recipients=[binh], kind="k", title="T3")

    th1, e1 = _in_thread(t1)
    assert t1_numbered.wait(10)
    th2, e2 = _in_thread(t2)
    th3, e3 = _in_thread(t3)
    th3.join(10)
    time.sleep(0.5)
    assert th2.is_alive(), "T2 numbered a row for An while T1 still held An's cursor"
    assert reader.fetch() == []  # nothing committed for An yet
    release_t1.set()
    th1.join(10)
    th2.join(10)
    assert not (e1 or e2 or e3), e1 + e2 + e3
    assert Notification.objects.get(title="T3").pk < Notification.objects.get(title="T2").pk
    reader.fetch()
    assert [(i["seq"], i["title"]) for i in reader.items] == [(1, "T1"), (2, "T2")]


@pytest.mark.postgres
def test_a_global_id_cursor_would_lose_that_row(users):
    """The harness above against the naive design (rows inserted without the cursor lock, clients reading
    `id > last id seen`): the row that commits later is skipped forever. Proof that the harness creates
    the out-of-order commit the real design survives."""
    an = users["an"]
    t1_inserted, release_t1 = threading.Event(), threading.Event()

    def naive_t1():
        with transaction.atomic():
            Notification.objects.create(recipient=an, seq=100, kind="k", title="T1")
            t1_inserted.set()
            assert release_t1.wait(10)

    th1, e1 = _in_thread(naive_t1)
    assert t1_inserted.wait(10)
    with transaction.atomic():
        Notification.objects.create(recipient=an, seq=101, kind="k", title="T2")
    last_id_seen = max(Notification.objects.filter(recipient=an).values_list("pk", flat=True))
    release_t1.set()
    th1.join(10)
    assert not e1
    missed = Notification.objects.filter(recipient=an, pk__gt=last_id_seen)
    assert not missed.exists()
    assert Notification.objects.filter(recipient=an, title="T1", pk__lt=last_id_seen).exists()
