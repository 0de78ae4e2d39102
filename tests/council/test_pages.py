"""The council pages end to end through the test client; minutes; the live channel."""

from __future__ import annotations

import hashlib
import io

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from nominations.models import Attachment, CouncilSession, SessionAgendaItem
from workflows.actions.council import ballot_cast, receipt_matches

from .conftest import fresh


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_secretary_runs_a_session_through_the_pages(council):
    d = council.dossier("Lê Văn Tám")
    sec = _client(council.secretary)
    page = sec.get("/council/new/").content.decode()
    assert "Lê Văn Tám" in page
    r = sec.post(
        "/council/new/",
        {
            "held_on": "2026-11-25",
            "place": "Hội trường UBND xã",
            "chair": council.chair.pk,
            "decides_awards": "on",
            "dossiers": [d.pk],
        },
    )
    s = CouncilSession.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/council/{s.pk}/"
    # Not enough members: the session refuses to open, and says why.
    sec.post(f"/council/{s.pk}/attendance/", {"present": [council.member(1).pk, council.member(2).pk]})
    r = sec.post(f"/council/{s.pk}/open/", follow=True)
    assert fresh(s).status == "draft"
    assert "40" not in r.content.decode() or "80" in r.content.decode()
    sec.post(f"/council/{s.pk}/attendance/", {"present": [council.member(n).pk for n in (1, 2, 3, 4)]})
    sec.post(f"/council/{s.pk}/open/")
    assert fresh(s).status == "open"

    m1 = _client(council.member(1))
    r = m1.post(f"/council/{s.pk}/ballot/", {"dossier": d.pk, "choice": "agree"})
    assert r.status_code == 200
    html = r.content.decode()
    commitment = html.split('class="receipt-commitment">')[1].split("<")[0]
    salt = html.split('class="receipt-salt">')[1].split("<")[0]
    assert receipt_matches(
        session_id=s.pk,
        dossier_id=d.pk,
        member_id=council.member(1).pk,
        choice="agree",
        salt=salt,
        commitment=commitment,
    )
    for n in (2, 3):
        _client(council.member(n)).post(f"/council/{s.pk}/ballot/", {"dossier": d.pk, "choice": "agree"})
    sec.post(
        f"/council/{s.pk}/written/", {"member": council.member(5).pk, "dossier": d.pk, "choice": "agree"}
    )
    progress = sec.get(f"/council/{s.pk}/progress.json").json()
    assert progress["rows"][0]["returned"] == 4
    assert "choice" not in str(progress)

    sec.post(f"/council/{s.pk}/close/")
    s = fresh(s)
    assert s.status == "closed"
    assert SessionAgendaItem.objects.get(session=s).outcome == "approved"
    # Anyone who follows the session can check a receipt against the published count.
    auditor = _client(council.users["kiemtra"])
    page = auditor.get(f"/council/{s.pk}/", {"commitment": commitment}).content.decode()
    assert 'id="receipt-check-result"' in page and "Lê Văn Tám" in page.split('id="receipt-check-result"')[1]


def test_minutes_pdf_is_stored_hashed_and_attached(council):
    from pypdf import PdfReader

    d = council.dossier("Lê Văn Tám")
    recused = council.dossier("Hoàng Thị Lụa", unit="mttq")
    s = council.open_session([d, recused], present=(1, 2, 3, 4))
    council.vote(s, d, {1: "agree", 2: "agree", 3: "agree", 4: "disagree"})
    council.vote(s, recused, {1: "agree", 2: "agree", 3: "agree"})
    _client(council.secretary).post(f"/council/{s.pk}/close/")
    s = fresh(s)
    r = _client(council.users["kiemtra"]).get(f"/council/{s.pk}/minutes.pdf")
    assert r.status_code == 200
    body = b"".join(r.streaming_content)
    assert hashlib.sha256(body).hexdigest() == s.minutes_sha256 == r["X-Content-SHA256"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    flat = " ".join(text.split())
    for expected in (
        "BIÊN BẢN",
        "Hội trường UBND xã",
        "Lê Văn Tám",
        "Ma Thị Hương",
        "xung đột lợi ích",
        "Đinh Văn Quân",
    ):
        assert expected in flat, expected
    attached = Attachment.objects.filter(kind="minutes")
    assert list(attached.values_list("dossier_id", "sha256")) == [(d.pk, s.minutes_sha256)]  # decided only


def test_outsiders_cannot_see_a_session(council):
    d = council.dossier("Lê Văn Tám")
    s = council.session([d])
    for name in ("donvi", "donvi2"):
        c = _client(council.users[name])
        for url in (f"/council/{s.pk}/", f"/council/{s.pk}/progress.json", f"/council/{s.pk}/minutes.pdf"):
            assert c.get(url).status_code == 404
        assert c.post(f"/council/{s.pk}/open/").status_code == 404
    assert Client().get(f"/council/{s.pk}/").status_code == 302  # to the login page


@pytest.mark.django_db(transaction=True)
async def test_live_channel_shows_returns_and_closing(council):
    from asgiref.sync import sync_to_async

    from config.asgi import application
    from workflows.actions.council import council_session_close

    d = await sync_to_async(council.dossier)("Lê Văn Tám")
    s = await sync_to_async(council.open_session)([d])

    async def connect(user):
        client = await sync_to_async(_client)(user)
        cookie = client.cookies["sessionid"].value
        comm = WebsocketCommunicator(
            application,
            f"/ws/council/{s.pk}/",
            headers=[(b"cookie", f"sessionid={cookie}".encode()), (b"origin", b"http://localhost")],
        )
        connected, _code = await comm.connect()
        return comm, connected

    _outsider, ok = await connect(council.users["donvi"])
    assert not ok
    secretary, ok = await connect(council.secretary)
    assert ok
    member, ok = await connect(council.member(4))
    assert ok
    first = await secretary.receive_json_from()
    assert first["type"] == "progress" and first["rows"][0]["returned"] == 0
    await member.receive_json_from()

    await sync_to_async(ballot_cast)(
        actor=council.member(1), session_id=s.pk, dossier_id=d.pk, choice="disagree"
    )
    update = await secretary.receive_json_from(timeout=5)
    assert update["rows"][0]["returned"] == 1
    assert "disagree" not in str(update)
    await sync_to_async(council.vote)(s, d, {2: "agree", 3: "agree"})
    await sync_to_async(council_session_close)(actor=council.secretary, session_id=s.pk)
    seen = []
    while not seen or seen[-1]["type"] != "closed":
        seen.append(await member.receive_json_from(timeout=5))
    assert seen[-1] == {"type": "closed", "session_id": s.pk}
    for comm in (secretary, member):
        await comm.disconnect()


def test_member_ballot_shows_the_dossier_files_and_quota(council):
    d = council.dossier("Lê Văn Tám")
    Attachment.objects.create(
        dossier=d,
        kind="achievement_report",
        original_name="Bao-cao-thanh-tich.pdf",
        storage_name="x/bao-cao.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        dossier_version=d.version,
        uploaded_by=council.users["donvi"],
    )
    s = council.open_session([d])
    page = _client(council.member(1)).get(f"/council/{s.pk}/").content.decode()
    attachment = Attachment.objects.get(dossier=d)
    assert f'href="/attachments/{attachment.pk}/"' in page
    assert f'id="ballot-{d.pk}"' in page
    assert "0/5" in page  # quota: Giấy khen xã, individuals, 0 of 5 used
