"""The whole journey in a real browser (Debian's chromium via Playwright, live Daphne, Vietnamese)."""

from __future__ import annotations

import pytest

from nominations.models import AwardType, ContentArea, Dossier, Occasion, Unit
from tests import factories as f
from tests.conftest import login
from workflows import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private(tmp_path, settings):
    # The server process inherits settings at start; files go to a throwaway directory.
    settings.PRIVATE_STORAGE_ROOT = tmp_path


def as_user(new_page, base: str, username: str):
    page = new_page()
    login(page, base, username)
    return page


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def act(page, base: str, dossier_id: int, action: str, fields: dict[str, str] | None = None) -> None:
    page.goto(f"{base}/dossiers/{dossier_id}/")
    form = f'form[data-action="{action}"]'
    for name, value in (fields or {}).items():
        page.fill(f'{form} [name="{name}"]', value)
    click_and_wait(page, f"{form} button[type=submit]")


def status_text(page) -> str:
    return page.locator("#dossier-status").inner_text().strip()


def test_giay_khen_from_draft_to_awarded_with_a_return(demo, asgi_server, new_page):
    base = asgi_server
    occasion = Occasion.objects.get(code="hang-nam-2026")
    award = AwardType.objects.get(code="giay-khen-xa")
    unit = Unit.objects.get(code="thon-dong-hy")
    nominee = unit.nominees.get(name="Nguyễn Văn An")
    area = ContentArea.objects.filter(movement=occasion.movement).order_by("number").first()

    # The unit drafts a dossier, attaches the achievement report and submits.
    unit_page = as_user(new_page, base, "donvi")
    unit_page.goto(f"{base}/dossiers/new/")
    unit_page.select_option("#id_occasion", str(occasion.pk))
    unit_page.select_option("#id_award_type", str(award.pk))
    unit_page.select_option("#id_nominee", str(nominee.pk))
    unit_page.check(f'input[name="content_areas"][value="{area.pk}"]')
    unit_page.fill("#id_achievement_summary", "Đưa 80 hộ dân lên dịch vụ công trực tuyến.")
    click_and_wait(unit_page, "#dossier-form button[type=submit]")
    dossier = Dossier.objects.get(nominee=nominee, award_type=award)
    assert (
        unit_page.locator("#dossier-status").inner_text().strip() == "Bản nháp" or dossier.status == "draft"
    )
    unit_page.select_option("#id_kind", "achievement_report")
    unit_page.set_input_files(
        "#id_file", files=[{"name": "Báo cáo thành tích.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    click_and_wait(unit_page, "#upload-form button[type=submit]")
    assert "Báo cáo thành tích.pdf" in unit_page.locator("#attachments").inner_text()
    click_and_wait(unit_page, 'form[data-action="submit"] button[type=submit]')
    assert status_text(unit_page) == "Đã gửi"

    # The office claims it from the queue and returns it with a note on the summary.
    office = as_user(new_page, base, "chuyenvien")
    office.goto(f"{base}/inbox/?tab=queue")
    row = office.locator(f'#inbox-table tr[data-dossier="{dossier.pk}"]')
    assert row.count() == 1
    with office.expect_navigation():
        row.locator("button[type=submit]").click()
    assert office.locator(f'#inbox-table tr[data-dossier="{dossier.pk}"]').count() == 0
    act(
        office,
        base,
        dossier.pk,
        "return",
        {"reason": "Thiếu số liệu cụ thể", "note_achievement_summary": "Ghi rõ số hộ và thời gian"},
    )
    assert status_text(office) == "Trả lại để bổ sung"

    # The unit sees what to fix, revises and resubmits.
    unit_page.goto(f"{base}/dossiers/{dossier.pk}/")
    notes = unit_page.locator("#return-notes").inner_text()
    assert "Thiếu số liệu cụ thể" in notes
    assert "Ghi rõ số hộ và thời gian" in notes
    click_and_wait(unit_page, "#edit-dossier")
    unit_page.fill(
        "#id_achievement_summary", "Đưa 120 hộ dân lên dịch vụ công trực tuyến từ 01/2026 đến 10/2026."
    )
    click_and_wait(unit_page, "#dossier-form button[type=submit]")
    click_and_wait(unit_page, 'form[data-action="submit"] button[type=submit]')
    assert status_text(unit_page) == "Đã gửi"

    # The office sees what changed, receives, appraises and puts it on the agenda.
    office.goto(f"{base}/dossiers/{dossier.pk}/")
    assert "120 hộ dân" in office.locator("#revision-diff").inner_text()
    for step in ("receive", "appraise", "put_on_agenda"):
        act(office, base, dossier.pk, step)
    assert Dossier.objects.get(pk=dossier.pk).status == "on_agenda"

    # The secretary types in the paper tally.
    secretary = as_user(new_page, base, "thuky")
    secretary.goto(f"{base}/tally/")
    secretary.fill("#id_members_present", "5")
    for name in ("issued", "returned", "valid", "agreeing"):
        secretary.fill(f'input[name="{name}_{dossier.pk}"]', "5")
    click_and_wait(secretary, "#tally-form button[type=submit]")
    assert secretary.locator(f'#tally-results tr[data-dossier="{dossier.pk}"]').count() == 1
    assert Dossier.objects.get(pk=dossier.pk).status == "council_approved"

    act(office, base, dossier.pk, "prepare_decision")
    chair = as_user(new_page, base, "chutich")
    act(chair, base, dossier.pk, "sign")
    clerk = as_user(new_page, base, "vanthu")
    act(
        clerk,
        base,
        dossier.pk,
        "award",
        {"decision_number": "15/QĐ-UBND", "golden_book_number": "SV-2026-015"},
    )
    assert status_text(clerk) == "Đã khen thưởng"
    assert Dossier.objects.get(pk=dossier.pk).status == "awarded"
    assert clerk.locator("#diagram .td-state--current").get_attribute("data-state") == "awarded"


def test_bang_khen_to_province_and_its_decision(demo, asgi_server, new_page):
    base = asgi_server
    u = demo
    unit = Unit.objects.get(code="thon-dong-hy")
    d = f.draft(
        actor=u["donvi"],
        unit=unit,
        nominee_obj=unit.nominees.get(name="Nguyễn Văn An"),
        award_code="bang-khen-tinh",
    )
    d = f.to_agenda(d, proposer=u["donvi"], reviewer=u["chuyenvien"])
    actions.council_result_record(
        actor=u["thuky"],
        authority_id=d.authority_id,
        members_present=5,
        tallies=[{"dossier_id": d.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": 5}],
    )
    d = f.fresh(d)
    d = actions.dossier_prepare_decision(actor=u["chuyenvien"], dossier_id=d.pk, expected_version=d.version)

    chair = as_user(new_page, base, "chutich")
    act(chair, base, d.pk, "sign")
    office = as_user(new_page, base, "chuyenvien")
    act(office, base, d.pk, "submit_to_province")
    assert status_text(office) == "Đã trình tỉnh"
    office.goto(f"{base}/dossiers/{d.pk}/")
    form = 'form[data-action="province_result"]'
    office.select_option(f'{form} [name="result"]', "approved")
    office.fill(f'{form} [name="decision_number"]', "2345/QĐ-UBND")
    click_and_wait(office, f"{form} button[type=submit]")
    assert status_text(office) == "Tỉnh đã quyết định khen thưởng"
    assert Dossier.objects.get(pk=d.pk).status == "province_approved"


def test_proposer_cannot_open_another_units_dossier_by_url(demo, asgi_server, new_page):
    u = demo
    unit = Unit.objects.get(code="thon-dong-hy")
    d = f.draft(actor=u["donvi"], unit=unit, nominee_obj=unit.nominees.get(name="Nguyễn Văn An"))
    page = as_user(new_page, asgi_server, "donvi2")
    response = page.goto(f"{asgi_server}/dossiers/{d.pk}/")
    assert response is not None
    assert response.status == 404
    assert "Nguyễn Văn An" not in page.content()
