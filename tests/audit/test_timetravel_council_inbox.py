"""A council session and a user's inbox rebuilt from the ledger as of a past moment, checked against
what the rows said at that moment; and the auditor's "as of" page showing them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from nominations.models import Ballot, Unit
from tests import factories as f
from tests.council.conftest import Council
from workflows import actions
from workflows.actions.council import conflict_declare
from workflows.flows import open_task_of
from workflows.models import AuditEvent
from workflows.timetravel import council_session_as_of, inbox_as_of, member_ballots_as_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(demo, settings, tmp_path) -> Council:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return Council(authority=demo["thuky"].roles.first().authority, users=demo)


def test_a_council_session_as_of_each_moment(council):
    a, b = council.dossier("Nguyễn Văn An"), council.dossier("Lê Thị Bình")
    before = timezone.now()
    session = council.session([a, b])
    drafted = timezone.now()
    from workflows.actions.council import council_session_mark_attendance, council_session_open

    council_session_mark_attendance(
        actor=council.secretary,
        session_id=session.pk,
        present_ids=[council.member(n).pk for n in (1, 2, 3, 4)],
    )
    council_session_open(actor=council.secretary, session_id=session.pk)
    opened = timezone.now()
    council.vote(session, a, {1: "agree", 2: "disagree"})
    two_ballots = timezone.now()
    council.vote(session, a, {1: "disagree"})  # she changes her mind: still one ballot of hers
    conflict_declare(actor=council.member(3), session_id=session.pk, dossier_id=b.pk)
    later = timezone.now()

    assert not council_session_as_of(session_id=session.pk, at=before).existed
    then = council_session_as_of(session_id=session.pk, at=drafted)
    assert (then.status, then.agenda, then.present) == ("draft", [a.pk, b.pk], None)
    assert then.members == [council.member(n).pk for n in range(1, 6)]
    then = council_session_as_of(session_id=session.pk, at=opened)
    assert then.status == "open" and then.present == [council.member(n).pk for n in (1, 2, 3, 4)]
    assert then.ballots_cast == 0
    then = council_session_as_of(session_id=session.pk, at=two_ballots)
    assert then.ballots_on(a.pk) == 2 and then.ballots_on(b.pk) == 0 and then.changes == 0
    now = council_session_as_of(session_id=session.pk, at=later)
    # The counts agree with the ballots table, and the ledger never knew a choice.
    assert now.ballots_on(a.pk) == Ballot.objects.filter(session=session, dossier=a).count() == 2
    assert now.changes == 1 and (b.pk, council.member(3).pk) in now.recusals
    for event in AuditEvent.objects.filter(chain=f"council:{session.pk}"):
        assert not {"choice", "commitment"} & set(event.payload), event.payload


def test_what_a_member_saw_when_she_voted(council):
    a = council.dossier("Nguyễn Văn An")
    session = council.open_session([a], present=(1, 2, 3, 4))
    council.vote(session, a, {2: "agree"})
    council.vote(session, a, {1: "agree"})
    council.vote(session, a, {1: "abstain"})
    moments = member_ballots_as_of(session_id=session.pk, member_id=council.member(1).pk, at=timezone.now())
    assert len(moments) == 2
    first, second = moments
    # Just before her first ballot the session was open with one ballot on the dossier (member 2's).
    assert first.session.status == "open" and first.session.ballots_on(a.pk) == 1
    assert second.session.ballots_on(a.pk) == 2  # her own earlier ballot and member 2's
    assert first.event.payload["changed"] is False and second.event.payload["changed"] is True


def test_a_users_inbox_as_of_each_moment(demo, today_in_window, client):
    u = demo
    unit = Unit.objects.get(code="thon-dong-hy")
    before = timezone.now()
    d = f.draft(actor=u["donvi"], unit=unit, nominee_obj=unit.nominees.order_by("pk").first())
    drafted = timezone.now()
    draft_queue = open_task_of(d.pk).owner_permission
    d = actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    submitted = timezone.now()
    office_queue = open_task_of(d.pk).owner_permission

    assert [t.dossier_id for t in inbox_as_of(user_id=u["donvi"].pk, at=before).tasks] == []
    then = inbox_as_of(user_id=u["donvi"].pk, at=drafted)
    assert [(t.dossier_id, t.step, t.queue) for t in then.tasks] == [(d.pk, "draft", draft_queue)]
    assert inbox_as_of(user_id=u["chuyenvien"].pk, at=drafted).tasks == []
    assert inbox_as_of(user_id=u["donvi"].pk, at=submitted).tasks == []
    now = inbox_as_of(user_id=u["chuyenvien"].pk, at=submitted)
    assert [(t.dossier_id, t.step, t.queue, t.status) for t in now.tasks] == [
        (d.pk, "receive", office_queue, "submitted")
    ]

    # The reviewer's role is switched off in the admin afterwards: at `submitted` she still had it.
    from nominations.models import RoleAssignment

    client.force_login(u["quantri"])
    ra = RoleAssignment.objects.get(user=u["chuyenvien"], role="reviewer")
    r = client.post(
        f"/admin/nominations/roleassignment/{ra.pk}/change/",
        {"user": ra.user_id, "authority": ra.authority_id, "role": ra.role, "title": ra.title, "active": ""},
    )
    assert r.status_code == 302
    assert [t.dossier_id for t in inbox_as_of(user_id=u["chuyenvien"].pk, at=submitted).tasks] == [d.pk]
    assert office_queue not in inbox_as_of(user_id=u["chuyenvien"].pk, at=timezone.now()).queues


def test_the_as_of_page_shows_a_session_a_member_and_an_inbox(council, client):
    a = council.dossier("Nguyễn Văn An")
    session = council.open_session([a], present=(1, 2, 3, 4))
    council.vote(session, a, {1: "agree", 2: "disagree"})
    at = timezone.localtime(timezone.now()).isoformat()
    client.force_login(council.users["kiemtra"])
    page = client.get(
        reverse("workflows:audit_as_of"),
        {"at": at, "session": session.pk, "member": council.member(1).username, "user": "donvi"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="as-of-session"' in html and 'id="as-of-ballots"' in html and 'id="as-of-inbox"' in html
    assert f'data-agenda-dossier="{a.pk}" data-ballots="2"' in html
    assert "agree" not in html.replace("disagree", "")  # never a ballot's choice
    # A council member is not an auditor: the page is refused to her.
    client.force_login(council.member(1))
    assert client.get(reverse("workflows:audit_as_of"), {"at": at, "session": session.pk}).status_code == 403


def test_claims_releases_and_reassignments_are_recorded_and_replayed(demo, today_in_window):
    """Issue 6 point 1: claim/release/reassign are in the ledger, in the change's transaction; the inbox
    as of a moment shows whose hands the task was in."""
    from django.db import transaction

    from workflows.flows import task_claim, task_reassign, task_release

    u = demo
    unit = Unit.objects.get(code="thon-dong-hy")
    d = f.draft(actor=u["donvi"], unit=unit, nominee_obj=unit.nominees.order_by("pk").first())
    d = actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    task = open_task_of(d.pk)
    waiting = timezone.now()

    with transaction.atomic():
        task_claim(actor=u["chuyenvien"], task_id=task.pk)
    claimed = timezone.now()
    with transaction.atomic():
        task_release(actor=u["chuyenvien"], task_id=task.pk)
    released = timezone.now()
    with transaction.atomic():
        task_reassign(actor=u["truongphong"], task_id=task.pk, to_user=u["chuyenvien"])
    reassigned = timezone.now()

    events = list(
        AuditEvent.objects.filter(dossier_id=d.pk, action__startswith="task_")
        .order_by("id")
        .values_list("action", "actor_id", "payload")
    )
    assert events == [
        ("task_claim", u["chuyenvien"].pk, {"task": "receive", "task_id": task.pk, "owner_id": u["chuyenvien"].pk}),
        ("task_release", u["chuyenvien"].pk, {"task": "receive", "task_id": task.pk, "owner_id": None}),
        ("task_reassign", u["truongphong"].pk, {"task": "receive", "task_id": task.pk, "owner_id": u["chuyenvien"].pk}),
    ]  # fmt: skip

    def held(at):
        return [t.dossier_id for t in inbox_as_of(user_id=u["chuyenvien"].pk, at=at).mine]

    assert (held(waiting), held(claimed), held(released), held(reassigned)) == ([], [d.pk], [], [d.pk])

    # A claim whose request fails afterwards leaves no event behind.
    with transaction.atomic():
        task_release(actor=u["chuyenvien"], task_id=task.pk)
    count = AuditEvent.objects.count()

    def failing_request():
        with transaction.atomic():
            task_claim(actor=u["truongphong"], task_id=task.pk)
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    assert AuditEvent.objects.count() == count
    assert open_task_of(d.pk).owner_id is None


def test_the_as_of_page_reads_in_vietnamese_not_in_codes(demo, today_in_window, client):
    """Statuses, queues and recorded fields show as their Vietnamese names, not as the ledger's codes."""
    u = demo
    unit = Unit.objects.get(code="thon-dong-hy")
    d = f.draft(actor=u["donvi"], unit=unit, nominee_obj=unit.nominees.order_by("pk").first())
    actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    client.force_login(u["kiemtra"])
    at = timezone.localtime(timezone.now()).isoformat()
    html = client.get(
        reverse("workflows:audit_as_of"), {"at": at, "dossier": d.pk, "user": "chuyenvien"}
    ).content
    text = html.decode()
    assert "<strong>Đã gửi</strong>" in text and "<dt>Hình thức khen thưởng</dt>" in text
    assert "văn phòng thẩm định" in text and "office:" not in text
    assert "submitted</strong>" not in text and "{&#x27;" not in text
