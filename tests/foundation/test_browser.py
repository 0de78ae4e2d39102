"""Chromium logs in as a demo user and reads the quota table in Vietnamese (live ASGI server)."""

from __future__ import annotations

import pytest

from nominations.models import QuotaLedger
from tests.conftest import login
from tests.foundation.conftest import vi

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def row_cells(page, quota: QuotaLedger) -> list[str]:
    return [c.strip() for c in page.locator(f'#quota-table tr[data-quota="{quota.pk}"] td').all_inner_texts()]


def test_login_and_read_the_quota_table_in_vietnamese(vi_catalog, demo, asgi_server, new_page):
    annual = {
        q.nominee_kind: q
        for q in QuotaLedger.objects.filter(occasion__code="hang-nam-2026", award_type__code="giay-khen-xa")
    }
    QuotaLedger.objects.filter(pk=annual["individual"].pk).update(used=1)

    page = new_page()
    page.goto(f"{asgi_server}/")
    assert "/login/" in page.url  # not logged in: sent to the login page
    assert page.locator("h1").inner_text().strip() == "Đăng nhập"
    login(page, asgi_server, "donvi")
    assert page.url.rstrip("/") == asgi_server

    headers = [h.strip() for h in page.locator("#quota-table th").all_inner_texts()]
    assert headers == [
        "Đợt khen thưởng",
        "Hình thức khen thưởng",
        vi("Nominee"),
        "Tối đa",
        "Đã sử dụng",
        "Còn lại",
    ]
    assert page.get_by_text("Khen thưởng hằng năm 2026").first.is_visible()
    collective = row_cells(page, annual["collective"])
    individual = row_cells(page, annual["individual"])
    assert collective[1:] == ["Giấy khen của Chủ tịch UBND xã", "Tập thể", "2", "0", "2"]
    assert individual[1:] == ["Giấy khen của Chủ tịch UBND xã", "Cá nhân", "5", "1", "4"]
    assert page.locator("#quota-table tbody tr").count() == QuotaLedger.objects.count()
