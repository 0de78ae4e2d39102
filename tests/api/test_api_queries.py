"""The list and inbox endpoints run a constant number of SQL queries, whatever the number of dossiers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.lifecycle.helpers import Life
from workflows.models import ApiToken

pytestmark = pytest.mark.django_db


def _fill(life: Life, n: int) -> None:
    units = [life.unit, life.unit2]
    for i in range(n):
        d = life.draft(nominee=life.nominee(unit=units[i % 2], kind=("individual", "collective")[i % 3 == 0]))
        if i % 3 == 1:
            life.step(d, "submit")


def _count(client, path: str, headers: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path, **headers)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries), len(r.json()["items"])


@pytest.mark.parametrize("path", ["/api/v1/dossiers?limit=100", "/api/v1/inbox?limit=100"])
@pytest.mark.parametrize("username", ["chuyenvien", "donvi"])
def test_list_queries_do_not_grow_with_dossiers(client, life, django_assert_num_queries, path, username):
    _tok, raw = ApiToken.issue(user=life.u[username], name="bench")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    _fill(life, 5)
    small, seen_small = _count(client, path, headers)
    _fill(life, 45)
    with django_assert_num_queries(small):
        r = client.get(path, **headers)
    assert len(r.json()["items"]) > seen_small  # the second call really returned more rows


def test_session_list_queries_are_constant_too(client, life, django_assert_num_queries):
    client.force_login(life.reviewer)
    _fill(life, 5)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/v1/dossiers")
    _fill(life, 45)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get("/api/v1/dossiers").status_code == 200
