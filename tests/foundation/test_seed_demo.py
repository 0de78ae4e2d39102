"""`seed_demo`: realistic units of Vĩnh Thông, one demo user per role, idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from nominations.demo import DEMO_PASSWORD, seed_demo
from nominations.models import Dossier, Nominee, Role, RoleAssignment, Unit, UnitKind

pytestmark = pytest.mark.django_db


def run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list]:
    user_model = get_user_model()
    return {
        "users": list(user_model.objects.order_by("pk").values("username", "password", "is_superuser")),
        "units": list(Unit.objects.order_by("pk").values()),
        "roles": list(RoleAssignment.objects.order_by("pk").values()),
        "nominees": list(Nominee.objects.order_by("pk").values()),
        "dossiers": list(Dossier.objects.order_by("pk").values()),
    }


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    # Inside the annual 2026 nomination window (15/10–20/12/2026).
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 11, 25))


@pytest.fixture
def seeded(db):
    run("seed_plan")
    run("seed_demo")


def test_every_role_has_an_active_demo_user(seeded):
    roles = set(RoleAssignment.objects.filter(active=True).values_list("role", flat=True))
    assert roles == set(Role.values)
    assignments = list(RoleAssignment.objects.select_related("user"))
    # Every demo user logs in with the published password (one shared hash: checked once).
    assert assignments[0].user.check_password(DEMO_PASSWORD)
    assert {ra.user.password for ra in assignments} == {assignments[0].user.password}
    for ra in assignments:
        if ra.role == Role.PROPOSER:
            assert ra.unit is not None
    expected = {
        "donvi": Role.PROPOSER,
        "donvi2": Role.PROPOSER,
        "chuyenvien": Role.REVIEWER,
        "truongphong": Role.OFFICE_HEAD,
        "thuky": Role.SECRETARY,
        "chutich": Role.CHAIR,
        "vanthu": Role.CLERK,
        "kiemtra": Role.AUDITOR,
        "quantri": Role.ADMIN,
        **{f"hoidong{i}": Role.COUNCIL_MEMBER for i in range(1, 6)},
    }
    for username, role in expected.items():
        assert RoleAssignment.objects.filter(user__username=username, role=role, active=True).exists(), (
            username
        )
    assert RoleAssignment.objects.get(user__username="donvi").unit.code == "thon-dong-hy"
    assert RoleAssignment.objects.get(user__username="donvi2").unit.code == "truong-thcs"
    assert get_user_model().objects.get(username="quantri").is_superuser


def test_units_of_every_kind(seeded):
    kinds = set(Unit.objects.values_list("kind", flat=True))
    # offices, villages, school, health station, service centre, enterprises, a cooperative, mass organisations
    assert kinds == set(UnitKind.values)
    assert Unit.objects.filter(kind=UnitKind.VILLAGE).count() >= 2
    reviewing = Unit.objects.get(is_reviewing_office=True)
    assert reviewing.code == "phong-vhxh"
    for unit in Unit.objects.all():
        assert unit.criteria_group is not None, unit.code
    assert Unit.objects.get(code="mttq").criteria_group.number == 2
    assert Unit.objects.get(code="htx-che-vinh-thong").criteria_group.number == 3
    # Nominees of all three kinds exist for the demo.
    assert set(Nominee.objects.values_list("kind", flat=True)) == {"collective", "individual", "household"}


def test_seed_demo_is_idempotent(seeded):
    before = snapshot()
    run("seed_demo")
    assert snapshot() == before
    assert seed_demo()["users"] == 0
    assert snapshot() == before


def test_demo_logins_lists_every_user(seeded):
    out = run("demo_logins")
    assert DEMO_PASSWORD in out
    for ra in RoleAssignment.objects.select_related("user"):
        assert ra.user.username in out


def test_a_handful_of_dossiers_in_different_states(seeded):
    dossiers = list(Dossier.objects.select_related("unit", "occasion", "created_by"))
    assert len(dossiers) >= 5
    assert len({d.status for d in dossiers}) >= 4
    assert {"draft", "submitted"} <= {d.status for d in dossiers}
    assert {d.occasion.code for d in dossiers} == {"hang-nam-2026"}
    for d in dossiers:
        ra = RoleAssignment.objects.get(user=d.created_by, role=Role.PROPOSER)
        assert d.unit == ra.unit  # proposers nominate for their own unit
        assert d.achievement_summary
        assert d.content_areas.exists()


def test_fixture_seed_has_no_dossiers(demo):
    """tests/conftest.py's `demo` seeds units and users only: every test starts with empty quotas."""
    assert not Dossier.objects.exists()


def test_outside_the_window_dossiers_stay_drafts(db, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2027, 3, 2))
    run("seed_plan")
    run("seed_demo")
    dossiers = list(Dossier.objects.all())
    assert len(dossiers) >= 5
    assert {d.status for d in dossiers} == {"draft"}
