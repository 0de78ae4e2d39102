"""The dossier, inbox and task pages, driven through the Django test client in Vietnamese."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nominations.models import ContentArea, Dossier, Occasion
from tests import factories as f
from workflows import actions
from workflows.flows import open_task_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private(tmp_path, settings):
    settings.PRIVATE_STORAGE_ROOT = tmp_path


def client_for(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    return client


def test_proposer_creates_uploads_and_submits_through_the_pages(world, client):
    u = world["u"]
    c = client_for(client, u["donvi"])
    occasion = Occasion.objects.get(code="hang-nam-2026")
    area = ContentArea.objects.filter(movement=occasion.movement).first()
    resp = c.post(
        reverse("workflows:dossier_create"),
        {
            "unit": world["unit"].pk,
            "occasion": occasion.pk,
            "award_type": f.award().pk,
            "nominee": world["nominee"].pk,
            "content_areas": [area.pk],
            "achievement_summary": "Chuyển đổi số thôn",
        },
    )
    assert resp.status_code == 302
    d = Dossier.objects.get(nominee=world["nominee"])
    page = c.get(reverse("workflows:dossier", args=[d.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "td-state--current" in html
    assert 'data-action="submit"' in html
    resp = c.post(
        reverse("workflows:attachment_upload", args=[d.pk]),
        {
            "expected_version": d.version,
            "kind": "achievement_report",
            "file": SimpleUploadedFile("Báo cáo.pdf", PDF),
        },
    )
    assert resp.status_code == 302
    d = f.fresh(d)
    assert d.attachments.count() == 1
    att = d.attachments.get()
    dl = c.get(reverse("workflows:attachment_download", args=[att.pk]))
    assert dl.status_code == 200
    assert dl["X-Content-Type-Options"] == "nosniff"
    assert dl["Content-Disposition"].startswith("attachment")
    assert b"".join(dl.streaming_content) == PDF
    assert att.sha256 in c.get(reverse("workflows:dossier", args=[d.pk])).content.decode()
    resp = c.post(reverse("workflows:dossier_act", args=[d.pk, "submit"]), {"expected_version": d.version})
    assert f.fresh(d).status == "submitted"


def test_bad_file_is_refused_with_a_clear_message_and_changes_nothing(world, client):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    c = client_for(client, u["donvi"])
    resp = c.post(
        reverse("workflows:attachment_upload", args=[d.pk]),
        {
            "expected_version": d.version,
            "kind": "supporting",
            "file": SimpleUploadedFile("x.pdf", b"MZ\x90 not a pdf"),
        },
        follow=True,
    )
    d2 = f.fresh(d)
    assert d2.version == d.version
    assert d2.attachments.count() == 0
    messages = [str(m) for m in resp.context["messages"]]
    assert messages
    assert "PDF" in messages[0]


def _draft_with_file(world, name: str):
    """A draft of the unit's proposer with one supporting PDF attached."""
    from workflows.attachments import attachment_add

    proposer = world["u"]["donvi"]
    d = f.draft(actor=proposer, unit=world["unit"], nominee_obj=world["nominee"])
    a = attachment_add(
        actor=proposer,
        dossier_id=d.pk,
        expected_version=d.version,
        upload=SimpleUploadedFile(name, PDF),
        kind="supporting",
    )
    return d, a


def test_other_units_proposer_gets_404_for_page_and_file(world, client):
    u = world["u"]
    d, a = _draft_with_file(world, "a.pdf")
    c = client_for(client, u["donvi2"])
    assert c.get(reverse("workflows:dossier", args=[d.pk])).status_code == 404
    assert c.get(reverse("workflows:attachment_download", args=[a.pk])).status_code == 404
    assert (
        c.post(reverse("workflows:dossier_act", args=[d.pk, "withdraw"]), {"expected_version": 2}).status_code
        == 404
    )
    assert f.fresh(d).status == "draft"


def test_return_notes_then_diff_for_the_reviewer(world, client):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    d = actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    rc = client_for(client, u["chuyenvien"])
    rc.post(
        reverse("workflows:dossier_act", args=[d.pk, "return"]),
        {
            "expected_version": d.version,
            "reason": "Thiếu số liệu",
            "note_achievement_summary": "Ghi rõ số hộ dùng app",
        },
    )
    d = f.fresh(d)
    assert d.status == "returned"
    from django.test import Client

    pc = client_for(Client(), u["donvi"])
    html = pc.get(reverse("workflows:dossier", args=[d.pk])).content.decode()
    assert "Thiếu số liệu" in html
    assert "Ghi rõ số hộ dùng app" in html
    d = actions.dossier_update(
        actor=u["donvi"],
        dossier_id=d.pk,
        expected_version=d.version,
        changes={"achievement_summary": "120 hộ dùng app"},
    )
    d = actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    html = rc.get(reverse("workflows:dossier", args=[d.pk])).content.decode()
    assert 'id="revision-diff"' in html
    assert "120 hộ dùng app" in html


def _many(world, n):
    from nominations.models import Nominee

    u = world["u"]
    for i in range(n):
        nominee = Nominee.objects.create(unit=world["unit"], name=f"Nguyễn Văn Số {i}", kind="individual")
        d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=nominee)
        actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)


def test_inbox_queue_renders_with_a_constant_number_of_queries(world, client):
    u = world["u"]
    c = client_for(client, u["chuyenvien"])
    _many(world, 2)
    c.get(reverse("workflows:inbox") + "?tab=queue")  # warm caches (content types, translations)
    with CaptureQueriesContext(connection) as small:
        resp = c.get(reverse("workflows:inbox") + "?tab=queue")
    assert len(resp.context["page"].rows) == 2
    _many(world, 12)
    with CaptureQueriesContext(connection) as big:
        resp = c.get(reverse("workflows:inbox") + "?tab=queue")
    assert len(resp.context["page"].rows) == 14
    assert len(big.captured_queries) == len(small.captured_queries)
    assert len(big.captured_queries) <= 20


def test_queue_claim_release_bulk_and_keyset_pages(world, client, monkeypatch):
    import workflows.inbox as inbox

    monkeypatch.setattr(inbox, "PAGE_SIZE", 2)
    u = world["u"]
    _many(world, 3)
    c = client_for(client, u["chuyenvien"])
    page1 = c.get(reverse("workflows:inbox") + "?tab=queue").context["page"]
    assert len(page1.rows) == 2
    assert page1.next_cursor
    page2 = c.get(reverse("workflows:inbox") + f"?tab=queue&cursor={page1.next_cursor}").context["page"]
    assert len(page2.rows) == 1
    seen = {r.task.pk for r in page1.rows} | {r.task.pk for r in page2.rows}
    assert len(seen) == 3
    first = page1.rows[0].task.pk
    c.post(reverse("workflows:task_claim", args=[first]))
    mine = c.get(reverse("workflows:inbox") + "?tab=mine").context["page"]
    assert [r.task.pk for r in mine.rows] == [first]
    # a second reviewer cannot take it any more
    from django.contrib.auth import get_user_model
    from django.test import Client

    from nominations.models import Role, RoleAssignment

    other = get_user_model().objects.create(username="cv2")
    RoleAssignment.objects.create(user=other, authority=world["unit"].authority, role=Role.REVIEWER)
    oc = client_for(Client(), other)
    resp = oc.post(reverse("workflows:task_claim", args=[first]), follow=True)
    assert [str(m) for m in resp.context["messages"]]
    c.post(reverse("workflows:task_release", args=[first]))
    rest = [r.task.pk for r in page1.rows[1:] + page2.rows] + [first]
    oc.post(reverse("workflows:task_bulk_claim"), {"task": rest})
    assert c.get(reverse("workflows:inbox") + "?tab=queue").context["page"].rows == []
    assert inbox.tasks_for(other, "mine").count() == 3


def test_search_ignores_diacritics_and_filters(world, client):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    c = client_for(client, u["chuyenvien"])
    rows = c.get(reverse("workflows:inbox") + "?tab=queue&q=Nguyen+Van+An").context["page"].rows
    assert [r.dossier.pk for r in rows] == [d.pk]
    assert rows[0].quota is not None
    assert c.get(reverse("workflows:inbox") + "?tab=queue&q=Dong+Hy").context["page"].rows
    assert not c.get(reverse("workflows:inbox") + "?tab=queue&q=Ha+Thi+Ngoc").context["page"].rows
    assert not c.get(reverse("workflows:inbox") + f"?tab=queue&unit={world['unit2'].pk}").context["page"].rows
    assert c.get(reverse("workflows:inbox") + "?tab=queue&state=submitted").context["page"].rows
    assert not c.get(reverse("workflows:inbox") + "?tab=queue&overdue=1").context["page"].rows


def test_proposer_queue_never_shows_another_units_task(world, client):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    task = open_task_of(d.pk)
    # release the draft task to the unit queue, then look from the other unit
    from workflows.flows import task_release

    task_release(actor=u["donvi"], task_id=task.pk)
    c = client_for(client, u["donvi2"])
    assert c.get(reverse("workflows:inbox") + "?tab=queue").context["page"].rows == []
    assert c.post(reverse("workflows:task_claim", args=[task.pk])).status_code == 302
    assert open_task_of(d.pk).owner_id is None


def test_every_version_is_viewable_and_a_removed_file_stays_in_its_version(world, client):
    from workflows.attachments import attachment_add, attachment_remove

    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    a = attachment_add(
        actor=u["donvi"],
        dossier_id=d.pk,
        expected_version=1,
        upload=SimpleUploadedFile("cu.pdf", PDF),
        kind="supporting",
    )
    attachment_remove(actor=u["donvi"], dossier_id=d.pk, expected_version=2, attachment_id=a.pk)
    c = client_for(client, u["donvi"])
    v2 = c.get(reverse("workflows:dossier_version", args=[d.pk, 2])).content.decode()
    v3 = c.get(reverse("workflows:dossier_version", args=[d.pk, 3])).content.decode()
    assert "cu.pdf" in v2
    assert "cu.pdf" not in v3
    assert c.get(reverse("workflows:dossier_version", args=[d.pk, 9])).status_code == 404
    # the file of an earlier version can still be downloaded
    assert c.get(reverse("workflows:attachment_download", args=[a.pk])).status_code == 200


def test_office_head_reassigns_and_the_archive_lists_finished_tasks(world, client):
    u = world["u"]
    d = f.draft(actor=u["donvi"], unit=world["unit"], nominee_obj=world["nominee"])
    d = actions.dossier_submit(actor=u["donvi"], dossier_id=d.pk, expected_version=d.version)
    task = open_task_of(d.pk)
    head = client_for(client, u["truongphong"])
    head.post(reverse("workflows:task_reassign", args=[task.pk]), {"user": u["chuyenvien"].pk})
    assert open_task_of(d.pk).owner == u["chuyenvien"]
    from django.test import Client

    proposer = client_for(Client(), u["donvi"])
    proposer.post(reverse("workflows:task_reassign", args=[task.pk]), {"user": u["donvi"].pk})
    assert open_task_of(d.pk).owner == u["chuyenvien"]  # only the office head may reassign
    actions.dossier_receive(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)
    from workflows.inbox import Filters, inbox_page

    done = inbox_page(user=u["chuyenvien"], kind="done", filters=Filters())
    assert [r.task.pk for r in done.rows] == [task.pk]


def test_every_file_download_is_on_the_record_and_a_refused_one_is_not(world, client):
    """Issue 6 point 1: file downloads are audited (who, which file, its hash), before the file is
    served; someone who may not see the dossier gets a 404 and leaves nothing in the ledger."""
    from workflows.models import AuditEvent

    u = world["u"]
    d, a = _draft_with_file(world, "minh-chung.pdf")
    outsider = client_for(client, u["donvi2"])  # signing in is itself recorded: count after it
    before = AuditEvent.objects.count()
    assert outsider.get(reverse("workflows:attachment_download", args=[a.pk])).status_code == 404
    assert AuditEvent.objects.count() == before

    response = client_for(client, u["donvi"]).get(reverse("workflows:attachment_download", args=[a.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor_id, event.dossier_id, event.chain) == (
        "attachment_download", u["donvi"].pk, d.pk, f"dossier:{d.pk}"
    )  # fmt: skip
    assert event.payload == {"attachment": a.pk, "name": "minh-chung.pdf", "sha256": a.sha256}
