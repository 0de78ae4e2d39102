"""Benchmark (prints, does not assert a time): commit -> wake-up receipt on N open websockets.

N clients (BENCH_WS_CLIENTS, default 100; the issue's figure is 500) hold sockets to a live Daphne server
over loopback, the channel layer is Redis. The test process runs actions (an atomic block calling
notify() for one user, round-robin) and timestamps the commit (an on_commit hook registered before
notify's own); the client that receives the matching {"type": "wake", "upto": seq} timestamps receipt.
Printed: p50/p99 of commit -> receipt, lost wake-ups, and the ratio to a bare channel-layer round trip
(group_send -> receive in this process, same Redis) measured in the same run. Target: p99 <= 200 ms.

Run: REDIS_URL=redis://127.0.0.1:6379/<n> make bench BENCH_ARGS="-k notifications" (skips without
REDIS_URL). BENCH_WS_ACTIONS sets the number of actions (default 3 x clients, at least 300).
"""

from __future__ import annotations

import asyncio
import base64
import os
import statistics
import struct
import threading
import time
from urllib.parse import urlparse

import pytest
from django.db import transaction

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL"),
    pytest.mark.django_db(transaction=True),
]

CLIENTS = int(os.environ.get("BENCH_WS_CLIENTS", "100"))
ACTIONS = int(os.environ.get("BENCH_WS_ACTIONS", str(max(300, 3 * CLIENTS))))


class MiniSocket:
    """Just enough of RFC 6455 for a benchmark client: handshake, read text frames, answer pings.
    (No client library is installed; autobahn's protocol classes would cost more than they save.)"""

    def __init__(self, uid: int, received: dict) -> None:
        self.uid = uid
        self.received = received
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.hello = asyncio.get_running_loop().create_future()
        self.task: asyncio.Task | None = None

    async def open(self, host: str, port: int, cookie: str) -> None:
        self.reader, self.writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        self.writer.write(
            (
                f"GET /ws/notifications/ HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: http://{host}:{port}\r\nCookie: sessionid={cookie}\r\n\r\n"
            ).encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"handshake refused: {head[:80]!r}")
        self.task = asyncio.ensure_future(self._read_loop())

    async def _frame(self) -> tuple[int, bytes]:
        assert self.reader is not None
        b1, b2 = await self.reader.readexactly(2)
        length = b2 & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
        return b1 & 0x0F, await self.reader.readexactly(length)

    def _send(self, opcode: int, payload: bytes) -> None:
        assert self.writer is not None
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    async def _read_loop(self) -> None:
        import json

        try:
            while True:
                opcode, payload = await self._frame()
                now = time.perf_counter()
                if opcode == 0x9:
                    self._send(0xA, payload)
                elif opcode == 0x8:
                    return
                elif opcode == 0x1:
                    msg = json.loads(payload)
                    if msg["type"] == "hello" and not self.hello.done():
                        self.hello.set_result(msg["upto"])
                    elif msg["type"] == "wake":
                        self.received[(self.uid, msg["upto"])] = now
        except (asyncio.IncompleteReadError, ConnectionError):
            return

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.writer is not None:
            self.writer.close()


def _users_with_sessions(count: int) -> list[tuple[int, str]]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from nominations.models import Authority, Role, RoleAssignment

    authority = Authority.objects.create(code="xa-bench", name="Xã đo tải", province="Thái Nguyên")
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"ws{i:04d}", password="!") for i in range(count)])
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, authority=authority, role=Role.REVIEWER) for u in users]
    )
    out = []
    for u in users:
        s = SessionStore()
        s[SESSION_KEY] = str(u.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = u.get_session_auth_hash()
        s.create()
        out.append((u.pk, s.session_key))
    return out


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _bare_round_trips(count: int) -> list[float]:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("bench.roundtrip", channel)
    samples = []
    for i in range(count):
        started = time.perf_counter()
        await layer.group_send("bench.roundtrip", {"type": "notify.wake", "upto": i})
        await layer.receive(channel)
        samples.append(time.perf_counter() - started)
    await layer.group_discard("bench.roundtrip", channel)
    return samples


def test_commit_to_wakeup_latency(asgi_server):
    from notifications.services import notify

    url = urlparse(asgi_server)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    people = _users_with_sessions(CLIENTS)

    # The clients live on their own loop in a thread, so the test thread can run sync ORM actions.
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def on_loop(coro, timeout=120):
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)

    received: dict[tuple[int, int], float] = {}

    async def connect_all() -> list[MiniSocket]:
        sockets = []
        for start in range(0, len(people), 50):  # batches: do not flood the accept queue
            batch = [MiniSocket(uid, received) for uid, _ in people[start : start + 50]]
            await asyncio.gather(
                *(
                    s.open(host, port, cookie)
                    for s, (_, cookie) in zip(batch, people[start : start + 50], strict=True)
                )
            )
            await asyncio.gather(*(asyncio.wait_for(s.hello, 30) for s in batch))
            sockets.extend(batch)
        return sockets

    started = time.perf_counter()
    sockets = on_loop(connect_all())
    connect_seconds = time.perf_counter() - started

    bare = on_loop(_bare_round_trips(200))

    committed: dict[tuple[int, int], float] = {}
    for i in range(ACTIONS):
        uid = people[i % len(people)][0]
        stamp: dict[str, float] = {}
        with transaction.atomic():
            transaction.on_commit(lambda s=stamp: s.__setitem__("t", time.perf_counter()))
            (row,) = notify(recipients=[uid], kind="bench", title="Đo tải")
        committed[(uid, row.seq)] = stamp["t"]
        time.sleep(0.002)

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(k in received for k in committed):
        time.sleep(0.05)
    latencies = [received[k] - t for k, t in committed.items() if k in received]
    lost = len(committed) - len(latencies)

    async def close_all() -> None:
        for s in sockets:
            s.close()
        await asyncio.sleep(0.2)

    on_loop(close_all())
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)

    ms = 1000
    bare_p50, bare_p99 = _pct(bare, 50), _pct(bare, 99)
    p50, p99 = _pct(latencies, 50), _pct(latencies, 99)
    print(
        f"\n[bench notifications] {len(sockets)} websocket clients connected in {connect_seconds:.1f} s; "
        f"{len(committed)} actions"
        f"\n  commit -> wake-up receipt: p50 {p50 * ms:.2f} ms, p99 {p99 * ms:.2f} ms, "
        f"mean {statistics.mean(latencies) * ms:.2f} ms, max {max(latencies) * ms:.2f} ms, lost {lost}"
        f"\n  bare channel-layer round trip: p50 {bare_p50 * ms:.2f} ms, p99 {bare_p99 * ms:.2f} ms"
        f"\n  ratio to bare: p50 {p50 / bare_p50:.1f}x, p99 {p99 / bare_p99:.1f}x "
        f"(target p99 <= 200 ms: {'met' if p99 <= 0.2 else 'NOT met'})"
    )
    # The outbox makes a lost wake-up harmless, but on loopback none should be lost.
    assert lost == 0
