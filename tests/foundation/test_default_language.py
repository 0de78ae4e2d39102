"""Pages are Vietnamese whatever the browser asks for, until the user picks English."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_vietnamese_pages(client):
    r = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in r.content.decode()


def test_choosing_english_switches_pages(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    r = client.get("/login/", HTTP_ACCEPT_LANGUAGE="vi")
    assert "Log in" in r.content.decode()
    assert "Đăng nhập" not in r.content.decode()


def test_the_api_follows_accept_language(client):
    r = client.get("/api/v1/dossiers", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 401
    assert r.json()["message"] == "Please log in."
    r = client.get("/api/v1/dossiers", HTTP_ACCEPT_LANGUAGE="vi")
    assert r.json()["message"] != "Please log in."
