"""Two browsers, live server, Redis layer between the test process and the server: one user's
notification changes the other browser's bell without a reload."""

from __future__ import annotations

import pytest
from django.db import transaction

from notifications.services import notify
from tests.conftest import login

# The live server is another process: only a shared (Redis) layer carries the wake-up to it.
pytestmark = [pytest.mark.browser, pytest.mark.redis]

SEEN = """() => { window.__seen = []; document.addEventListener('thidua:notification',
    (e) => window.__seen.push(e.detail.seq)); }"""


def open_home(new_page, base_url, username):
    page = new_page()
    login(page, base_url, username)
    page.goto(f"{base_url}/")
    page.wait_for_selector('#td-bell[data-live="1"]')
    page.evaluate(SEEN)
    return page


def badge(page):
    return page.locator("#td-bell .td-bell__badge")


def test_notification_changes_the_other_browsers_badge_without_reload(asgi_server, new_page, demo):
    reviewer = open_home(new_page, asgi_server, "chuyenvien")
    proposer = open_home(new_page, asgi_server, "donvi")
    assert badge(reviewer).is_hidden()
    reviewer.evaluate("() => { window.__marker = 'same page'; }")

    with transaction.atomic():
        notify(
            recipients=[demo["chuyenvien"]],
            kind="task",
            title="Hồ sơ mới chờ tiếp nhận",
            body="Nguyễn Văn An",
            url="/",
        )

    reviewer.wait_for_function("() => document.querySelector('#td-bell .td-bell__badge').textContent === '1'")
    assert badge(reviewer).is_visible()
    assert reviewer.locator(".td-toast").first.inner_text().startswith("Hồ sơ mới chờ tiếp nhận")
    assert reviewer.evaluate("() => window.__marker") == "same page"  # no reload happened
    assert reviewer.evaluate("() => window.__seen") == [1]

    # A burst of 20 arrives complete, in order, each item once, however the wake-ups coalesce.
    for i in range(20):
        with transaction.atomic():
            notify(recipients=[demo["chuyenvien"]], kind="task", title=f"burst {i}")
    reviewer.wait_for_function("() => window.__seen.length >= 21")
    reviewer.wait_for_timeout(300)
    assert reviewer.evaluate("() => window.__seen") == list(range(1, 22))
    assert badge(reviewer).inner_text() == "21"

    # The other browser heard nothing.
    assert badge(proposer).is_hidden()
    assert proposer.evaluate("() => window.__seen") == []


def test_notifications_page_updates_live_and_marks_read(asgi_server, new_page, demo):
    page = new_page()
    login(page, asgi_server, "chuyenvien")
    page.goto(f"{asgi_server}/notifications/")
    page.wait_for_selector('#td-bell[data-live="1"]')
    with transaction.atomic():
        notify(
            recipients=[demo["chuyenvien"]], kind="task", title="Hồ sơ bị trả lại", body="Thiếu minh chứng"
        )
    row = page.locator('#td-notification-list tr[data-seq="1"]')
    row.wait_for()
    assert "Hồ sơ bị trả lại" in row.inner_text()
    assert badge(page).inner_text() == "1"
    row.locator("button").click()
    page.wait_for_function("() => document.querySelector('#td-bell .td-bell__badge').hidden")
    page.reload()
    assert page.locator("#td-notification-list tr.td-notif--unread").count() == 0


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit_in_the_units_browser(new_page, base_url, dossier):
    """The unit attaches its report and submits, through the real forms in its own browser."""
    page = new_page()
    login(page, base_url, "donvi")
    page.goto(f"{base_url}/dossiers/{dossier.pk}/")
    page.select_option("#id_kind", "achievement_report")
    page.set_input_files(
        "#id_file", files=[{"name": "Báo cáo thành tích.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    with page.expect_navigation():
        page.click('form[data-action="submit"] button[type=submit]')


def test_one_browser_acts_and_the_other_browsers_badge_changes(
    asgi_server, new_page, demo, tmp_path, settings
):
    """The unit submits in its browser (the real action through the real form); the reviewer, whose page
    stays open, gets the task notification live."""
    from nominations.models import Unit
    from tests import factories as f

    settings.PRIVATE_STORAGE_ROOT = tmp_path  # the server process inherits it at start
    unit = Unit.objects.get(code="thon-dong-hy")
    dossier = f.draft(actor=demo["donvi"], unit=unit, nominee_obj=unit.nominees.get(name="Nguyễn Văn An"))

    reviewer = open_home(new_page, asgi_server, "chuyenvien")
    reviewer.evaluate(
        """() => { window.__marker = 'same page'; window.__items = [];
        document.addEventListener('thidua:notification', (e) => window.__items.push(e.detail)); }"""
    )
    before = reviewer.evaluate("() => parseInt(document.querySelector('#td-bell').dataset.unread, 10)")

    submit_in_the_units_browser(new_page, asgi_server, dossier)

    reviewer.wait_for_function("() => window.__items.length >= 1")
    item = reviewer.evaluate("() => window.__items[0]")
    assert item["data"]["dossier_id"] == dossier.pk
    assert item["kind"] == "task_waiting"
    assert badge(reviewer).inner_text() == str(before + 1)
    assert reviewer.evaluate("() => window.__marker") == "same page"
    assert reviewer.locator(f'.td-toast[data-seq="{item["seq"]}"]').count() == 1


def test_queue_page_follows_a_new_dossier_and_a_colleagues_claim_without_reload(
    asgi_server, new_page, demo, tmp_path, settings
):
    """Issue 7: one browser acts, a second browser's badge and queue change without a reload. The unit
    submits; the reviewer's open queue page gains the dossier and her bell counts it; then the office head
    claims it in a third browser and it leaves the reviewer's queue."""
    from nominations.models import Unit
    from tests import factories as f

    settings.PRIVATE_STORAGE_ROOT = tmp_path
    unit = Unit.objects.get(code="thon-dong-hy")
    dossier = f.draft(actor=demo["donvi"], unit=unit, nominee_obj=f.nominee(unit, "Lò Thị Mai"))
    row = f'#inbox-table tr[data-dossier="{dossier.pk}"]'

    reviewer = new_page()
    login(reviewer, asgi_server, "chuyenvien")
    reviewer.goto(f"{asgi_server}/inbox/?tab=queue")
    reviewer.wait_for_selector('#td-bell[data-live="1"]')
    reviewer.evaluate("() => { window.__marker = 'same page'; }")
    before = int(reviewer.evaluate("() => document.querySelector('#td-bell').dataset.unread"))
    assert reviewer.locator(row).count() == 0

    submit_in_the_units_browser(new_page, asgi_server, dossier)

    reviewer.wait_for_selector(row)
    assert "Lò Thị Mai" in reviewer.locator(row).inner_text()
    reviewer.wait_for_function(
        f"() => document.querySelector('#td-bell .td-bell__badge').textContent === '{before + 1}'"
    )

    head = new_page()
    login(head, asgi_server, "truongphong")
    head.goto(f"{asgi_server}/inbox/?tab=queue")
    with head.expect_navigation():
        head.locator(row).get_by_role("button", name="Nhận xử lý").click()

    reviewer.wait_for_selector(row, state="detached")
    assert reviewer.evaluate("() => window.__marker") == "same page"  # no reload happened
