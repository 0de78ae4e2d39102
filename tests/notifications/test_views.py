"""JSON endpoints and the notifications page: session auth, CSRF on POST, a user only sees their own rows."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from notifications.models import Notification, RecipientCursor
from notifications.services import notify


def logged_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_anonymous_gets_401_json_and_the_page_redirects_to_login(users):
    client = Client()
    for url in ("/notifications/since/0/", "/notifications/unread/"):
        resp = client.get(url)
        assert resp.status_code == 401
        assert resp.json()["error"] == "not_authenticated"
    assert client.post("/notifications/read-all/").status_code == 401
    resp = client.get("/notifications/")
    assert resp.status_code == 302
    assert "/login/" in resp["Location"]


def test_since_returns_only_later_rows_in_order(users):
    an = users["an"]
    for i in range(5):
        notify(recipients=[an], kind="task", title=f"n{i}", url=f"/d/{i}/", data={"dossier": i})
    data = logged_in(an).get("/notifications/since/2/").json()
    assert [i["seq"] for i in data["items"]] == [3, 4, 5]
    assert data["items"][0] | {"created_at": None, "id": None} == {
        "id": None,
        "seq": 3,
        "kind": "task",
        "title": "n2",
        "body": "",
        "url": "/d/2/",
        "data": {"dossier": 2},
        "created_at": None,
        "read": False,
    }
    assert data["unread"] == 5
    assert data["last_seq"] == 5
    assert data["more"] is False


def test_since_is_capped_at_200_and_says_there_is_more(users):
    an = users["an"]
    for _ in range(205):
        notify(recipients=[an], kind="k", title="t")
    client = logged_in(an)
    first = client.get("/notifications/since/0/").json()
    assert len(first["items"]) == 200
    assert first["more"] is True
    assert first["last_seq"] == 200
    rest = client.get("/notifications/since/200/").json()
    assert [i["seq"] for i in rest["items"]] == [201, 202, 203, 204, 205]
    assert rest["more"] is False


def test_a_user_never_sees_or_touches_another_users_rows(users):
    an, binh = users["an"], users["binh"]
    notify(recipients=[an], kind="k", title="for an only")
    an_row = Notification.objects.get(recipient=an)
    other = logged_in(binh)
    assert other.get("/notifications/since/0/").json()["items"] == []
    assert other.get("/notifications/unread/").json() == {"unread": 0}
    assert "for an only" not in other.get("/notifications/").content.decode()
    resp = other.post("/notifications/read/", {"ids": [an_row.pk]}, content_type="application/json")
    assert resp.json()["marked"] == 0
    other.post("/notifications/read-all/")
    an_row.refresh_from_db()
    assert an_row.read_at is None


def test_mark_read_and_mark_all_read(users):
    an = users["an"]
    for i in range(3):
        notify(recipients=[an], kind="k", title=f"t{i}")
    ids = list(Notification.objects.filter(recipient=an).order_by("seq").values_list("pk", flat=True))
    client = logged_in(an)
    resp = client.post(
        "/notifications/read/", json.dumps({"ids": [ids[0], "junk"]}), content_type="application/json"
    )
    assert resp.json() == {"marked": 1, "unread": 2}
    assert client.get("/notifications/unread/").json() == {"unread": 2}
    # Form post (no JavaScript) goes back to the page.
    resp = client.post("/notifications/read/", {"ids": [ids[1]]})
    assert resp.status_code == 302
    assert client.get("/notifications/unread/").json() == {"unread": 1}
    resp = client.post("/notifications/read-all/", HTTP_ACCEPT="application/json")
    assert resp.json() == {"marked": 1, "unread": 0}
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert client.get("/notifications/since/0/").json()["items"][0]["read"] is True


def test_posts_need_the_csrf_token_and_reads_refuse_post(users):
    an = users["an"]
    notify(recipients=[an], kind="k", title="t")
    client = logged_in(an, csrf=True)
    assert client.post("/notifications/read-all/").status_code == 403
    assert client.post("/notifications/email-digest/", {"enabled": "0"}).status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    assert logged_in(an).post("/notifications/since/0/").status_code == 405
    # With the token (as the page's forms and notifications.js send it) it works.
    client.get("/notifications/")
    token = client.cookies["csrftoken"].value
    assert client.post("/notifications/read-all/", HTTP_X_CSRFTOKEN=token).status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_lists_newest_first_with_bell_and_digest_toggle(users, lang):
    an = users["an"]
    notify(recipients=[an], kind="k", title="Hồ sơ bị trả lại", url="/dossiers/1/")
    notify(recipients=[an], kind="k", title="Có hồ sơ mới cần xử lý")
    client = logged_in(an)
    client.cookies["django_language"] = lang
    html = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert html.index("Có hồ sơ mới cần xử lý") < html.index("Hồ sơ bị trả lại")
    assert 'id="td-bell"' in html
    assert 'data-unread="2"' in html
    assert 'data-last-seq="2"' in html
    assert "thidua/notifications.js" in html
    client.post("/notifications/email-digest/", {"enabled": "0"})
    assert RecipientCursor.objects.get(user=an).email_digest is False
    client.post("/notifications/email-digest/", {"enabled": "1"})
    assert RecipientCursor.objects.get(user=an).email_digest is True


def test_page_is_keyset_paginated(users):
    an = users["an"]
    for i in range(55):
        notify(recipients=[an], kind="k", title=f"item-{i:03d}")
    client = logged_in(an)
    first = client.get("/notifications/").content.decode()
    assert "item-054" in first
    assert "item-004" not in first
    assert "?before=6" in first
    older = client.get("/notifications/?before=6").content.decode()
    assert "item-004" in older
    assert "item-005" not in older
