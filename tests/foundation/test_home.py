"""The first screen: login, then the movement, its occasions and the live quota table; Vietnamese by
default, English selectable."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from nominations.models import Authority, AwardType, Movement, Occasion, QuotaLedger, RoleAssignment
from tests.foundation.conftest import vi

pytestmark = pytest.mark.django_db

MOVEMENT_NAME = (
    "Vĩnh Thông thi đua đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo "
    "và chuyển đổi số giai đoạn 2026 - 2030"
)


class QuotaTable(HTMLParser):
    """Header cells and body rows (keyed by data-quota) of <table id="quota-table">."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: dict[int, list[str]] = {}
        self._in_table = False
        self._row: list[str] | None = None
        self._row_pk: int | None = None
        self._cell: list[str] | None = None
        self._header_cell = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "quota-table":
            self._in_table = True
        elif self._in_table and tag == "tr" and "data-quota" in attrs:
            self._row, self._row_pk = [], int(attrs["data-quota"])
        elif self._in_table and tag in {"td", "th"}:
            self._cell, self._header_cell = [], tag == "th"

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag in {"td", "th"} and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            if self._header_cell:
                self.headers.append(text)
            elif self._row is not None:
                self._row.append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows[self._row_pk] = self._row
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def quota(occasion: str, award: str, kind: str) -> QuotaLedger:
    return QuotaLedger.objects.get(occasion__code=occasion, award_type__code=award, nominee_kind=kind)


@pytest.fixture
def logged_in(client, demo, vi_catalog):
    response = client.post(reverse("login"), {"username": "donvi", "password": "thidua2026"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    return client


def test_home_requires_login(client, plan):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_login_page_is_vietnamese(client, db, vi_catalog):
    page = client.get(reverse("login")).content.decode()
    for text in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu"):
        assert text in page
    assert 'lang="vi"' in page


def test_wrong_password_is_refused_in_vietnamese(client, demo, vi_catalog):
    response = client.post(reverse("login"), {"username": "donvi", "password": "wrong"})
    assert response.status_code == 200
    assert vi("Wrong username or password. Please try again.") in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_home_shows_movement_occasions_and_live_quotas_in_vietnamese(logged_in):
    used = quota("hang-nam-2026", "giay-khen-xa", "individual")
    QuotaLedger.objects.filter(pk=used.pk).update(used=2)

    html = logged_in.get(reverse("home")).content.decode()
    assert MOVEMENT_NAME in html
    assert "Ủy ban nhân dân xã Vĩnh Thông" in html
    assert "01/01/2026 – 31/12/2030" in html
    for occ in Occasion.objects.all():
        assert occ.name in html
    assert "15/10/2026 – 20/12/2026" in html  # the annual 2026 nomination window

    table = QuotaTable(html)
    assert vi("Nominee").startswith("Đối tượng")
    assert table.headers == [
        "Đợt khen thưởng",
        "Hình thức khen thưởng",
        vi("Nominee"),
        "Tối đa",
        "Đã sử dụng",
        "Còn lại",
    ]
    assert set(table.rows) == set(QuotaLedger.objects.values_list("pk", flat=True))
    assert table.rows[used.pk][1:] == ["Giấy khen của Chủ tịch UBND xã", "Cá nhân", "5", "2", "3"]
    collective = quota("hang-nam-2026", "giay-khen-xa", "collective")
    assert table.rows[collective.pk][1:] == ["Giấy khen của Chủ tịch UBND xã", "Tập thể", "2", "0", "2"]
    co = quota("tong-ket-2030", "co-thi-dua-tinh", "collective")
    assert table.rows[co.pk][1:] == ["Cờ thi đua của UBND tỉnh", "Tập thể", "2", "0", "2"]

    # Live: the next request shows a seat taken since.
    QuotaLedger.objects.filter(pk=collective.pk).update(used=1)
    table = QuotaTable(logged_in.get(reverse("home")).content.decode())
    assert table.rows[collective.pk][3:] == ["2", "1", "1"]


def test_english_is_selectable(logged_in):
    response = logged_in.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = logged_in.get(reverse("home")).content.decode()
    table = QuotaTable(html)
    assert table.headers[-3:] == ["Limit", "Used", "Remaining"]
    individual = quota("hang-nam-2026", "giay-khen-xa", "individual")
    assert table.rows[individual.pk][2] == "Individual"
    assert 'lang="en"' in html

    logged_in.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert QuotaTable(logged_in.get(reverse("home")).content.decode()).headers[-1] == "Còn lại"


def test_home_shows_only_the_users_own_authority(client, demo, vi_catalog):
    """Several communes share a database; a user sees the movement of their own commune only."""
    other = Authority.objects.create(code="xa-khac", name="Ủy ban nhân dân xã Khác", province="Thái Nguyên")
    movement = Movement.objects.create(
        authority=other,
        code="pt-khac",
        name="Phong trào của xã khác",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    occ = Occasion.objects.create(
        movement=movement,
        code="hn-2026",
        kind="annual",
        year=2026,
        name="Đợt của xã khác",
        window_opens=dt.date(2026, 10, 1),
        window_closes=dt.date(2026, 10, 31),
    )
    award = AwardType.objects.create(
        authority=other,
        code="gk",
        name="Giấy khen xã khác",
        level="commune",
        decided_by="Chủ tịch",
        category="merit",
    )
    foreign = QuotaLedger.objects.create(occasion=occ, award_type=award, nominee_kind="individual", limit=9)

    client.force_login(demo["donvi"])
    html = client.get(reverse("home")).content.decode()
    assert MOVEMENT_NAME in html
    assert "Phong trào của xã khác" not in html
    assert foreign.pk not in QuotaTable(html).rows

    stranger = get_user_model().objects.create_user("nguoi-la", password="x-thidua-2026")
    assert not RoleAssignment.objects.filter(user=stranger).exists()
    client.force_login(stranger)
    html = client.get(reverse("home")).content.decode()
    assert MOVEMENT_NAME not in html
    assert QuotaTable(html).rows == {}
    assert vi("No movement is configured yet.") in html


def test_an_occasion_without_quotas_is_listed(logged_in):
    movement = Movement.objects.get(code="kh-cn-dmst-cds-2026-2030")
    Occasion.objects.create(
        movement=movement,
        code="chuyen-de-2026",
        kind="annual",
        year=2026,
        name="Khen thưởng chuyên đề 2026",
        window_opens=dt.date(2026, 12, 1),
        window_closes=dt.date(2026, 12, 15),
    )
    html = logged_in.get(reverse("home")).content.decode()
    assert "Khen thưởng chuyên đề 2026" in html
    assert "01/12/2026 – 15/12/2026" in html
    assert vi("No quota is set for this occasion.") in html
    # The quota rows of the other occasions are unchanged.
    assert len(QuotaTable(html).rows) == QuotaLedger.objects.count()
