"""Scoped reads: walk EVERY URL pattern of the project (pages and /api/v1/ routes) as users who must not
see another unit's dossier, substituting that dossier's id into every parameter. Each answer is a
denial (401/403/404/405 or a redirect to the login page) for dossier routes, nothing leaks anywhere,
and nothing changes."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories as f
from tests.lifecycle.helpers import snapshot
from workflows.api import ACTIONS
from workflows.models import AuditEvent

pytestmark = pytest.mark.django_db

SECRET_NAME = "Lò Thị Bí Mật"
SECRET_TOKEN = "ZQX4821SECRET"  # ASCII, so it shows through any encoding


def all_routes() -> list[str]:
    """Every URL pattern as a route string (resolver prefixes joined), admin included."""
    routes: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + _text(p.pattern))
            elif isinstance(p, URLPattern):
                routes.append(prefix + _text(p.pattern))

    walk(get_resolver().url_patterns, "")
    return sorted(set(routes))


def _text(pattern) -> str:
    s = str(pattern)
    # Regex patterns: drop anchors, turn named groups into <name> placeholders.
    if s.startswith("^") or s.endswith("$") or "(?P<" in s:
        s = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", s)
        s = s.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\.", ".").replace("\\/", "/")
    return s


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def concrete_paths(route: str, dossier_id: int) -> list[str]:
    """Fill every parameter with the other unit's dossier id (every action name for `action`)."""
    names = [m.group(2) for m in PARAM.finditer(route)]
    choices = [list(ACTIONS) if n == "action" else [str(dossier_id)] for n in names]
    paths = [route]
    for name, values in zip(names, choices, strict=True):
        nxt = []
        for p in paths:
            for v in values:
                nxt.append(
                    PARAM.sub(lambda m, name=name, v=v: v if m.group(2) == name else m.group(0), p, count=0)
                )
        paths = nxt
    return ["/" + p for p in paths]


def _leaks(body: bytes) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    escaped = json.dumps(SECRET_NAME)[1:-1]
    found = [s for s in (SECRET_NAME, escaped, SECRET_TOKEN, "lo thi bi mat") if s in text]
    return found


@pytest.fixture
def other_dossier(life):
    """A dossier of thôn Đồng Hỷ, submitted (so not on any council agenda)."""
    nominee = life.nominee(name=SECRET_NAME)
    d = life.draft(nominee=nominee, summary=f"Thành tích bí mật {SECRET_TOKEN}.")
    return life.step(d, "submit")


def _untouched(snap: dict, dossier) -> dict:
    # Logging in writes a "login" event on the system chain: count only what belongs to the dossier.
    snap = {k: v for k, v in snap.items() if k != "events"}
    snap["dossier_events"] = AuditEvent.objects.filter(dossier_id=dossier.pk).count()
    return snap


def _is_login_redirect(resp) -> bool:
    return resp.status_code in (301, 302) and "login" in resp.get("Location", "")


DENIED = {401, 403, 404, 405}


def _walk(client, user, dossier) -> list[str]:
    problems: list[str] = []
    if user is not None:
        client.force_login(user)
    for route in all_routes():
        if route.startswith("admin/"):
            continue
        has_param = bool(PARAM.search(route))
        for path in concrete_paths(route, dossier.pk):
            # A well-formed body, so what answers is the scope check and not input validation (which
            # runs first for some actions and says the same whatever the dossier).
            body_ok = {
                "expected_version": dossier.version,
                "reason": "x",
                "decision_number": "1/QĐ-UBND",
                "result": "approved",
            }
            calls = [("get", {}), ("post", body_ok)]
            if path.startswith("/api/"):
                calls.append(("patch", {"expected_version": dossier.version, "achievement_summary": "x"}))
            for method, data in calls:
                if method == "get":
                    resp = client.get(path)
                elif path.startswith("/api/"):
                    resp = getattr(client, method)(path, json.dumps(data), content_type="application/json")
                else:
                    resp = client.post(path, data)
                body = getattr(resp, "content", b"") if not getattr(resp, "streaming", False) else b""
                where = f"{user or 'anonymous'} {method.upper()} {path} -> {resp.status_code}"
                if leaked := _leaks(body):
                    problems.append(f"{where}: leaked {leaked}")
                if resp.status_code >= 500:
                    problems.append(f"{where}: server error")
                denied = resp.status_code in DENIED or _is_login_redirect(resp)
                if has_param and "dossier" in route and not denied:
                    problems.append(f"{where}: not denied")
    if user is not None:
        client.logout()
    return problems


def test_routes_are_discovered_including_the_api():
    routes = all_routes()
    assert "api/v1/dossiers/<dossier_id>" in routes
    assert "api/v1/dossiers/<dossier_id>/actions/<action>" in routes
    assert "api/v1/inbox" in routes and "api/v1/quotas" in routes


@pytest.mark.parametrize("who", ["donvi2", "hoidong1", "anonymous"])
def test_every_route_denies_another_units_dossier_without_leaking(client, demo, life, other_dossier, who):
    before = _untouched(snapshot(other_dossier), other_dossier)
    user = None if who == "anonymous" else demo[who]
    problems = _walk(client, user, other_dossier)
    assert not problems, "\n".join(problems)
    assert _untouched(snapshot(other_dossier), other_dossier) == before


def test_the_walk_would_see_a_leak(client, demo, life, other_dossier):
    """Positive controls: the owner and (once it is on the agenda) a council member do see it."""
    client.force_login(demo["donvi"])
    r = client.get(f"/api/v1/dossiers/{other_dossier.pk}")
    assert r.status_code == 200 and _leaks(r.content)
    client.force_login(demo["hoidong1"])
    assert client.get(f"/api/v1/dossiers/{other_dossier.pk}").status_code == 404
    d = other_dossier
    for t in ("receive", "appraise", "put_on_agenda"):
        d = life.step(f.fresh(d), t)
    r = client.get(f"/api/v1/dossiers/{d.pk}")
    assert r.status_code == 200 and _leaks(r.content)
    # ...and changes nothing there.
    r = client.post(
        f"/api/v1/dossiers/{d.pk}/actions/withdraw",
        {"expected_version": d.version},
        content_type="application/json",
    )
    assert r.status_code == 403 and f.fresh(d).status == "on_agenda"


def test_admin_redirects_a_non_staff_user(client, demo):
    client.force_login(demo["donvi"])
    r = client.get("/admin/")
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
    client.force_login(demo["hoidong1"])
    r = client.get("/admin/nominations/dossier/")
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
