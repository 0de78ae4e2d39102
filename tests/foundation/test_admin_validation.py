"""Django admin, in Vietnamese, refuses bad configuration with a clear message and changes nothing.

The database keeps the same invariants even without the admin (check constraints).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.urls import reverse

from nominations.models import AwardType, BaseSalary, QuotaLedger
from tests.foundation.conftest import vi

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_vi(client, demo, vi_catalog):
    """The demo administrator (quantri, a superuser) logged into the admin, in the default language."""
    assert demo["quantri"].is_superuser
    assert client.login(username="quantri", password="thidua2026")
    return client


def form_data(response) -> dict:
    """POST data equal to what the admin change form shows (so only our edits differ)."""
    form = response.context["adminform"].form
    data: dict = {"_save": "1"}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def all_rows(model) -> list[dict]:
    return [model_to_dict(obj) for obj in model.objects.order_by("pk")]


def change_url(obj) -> str:
    return reverse(f"admin:nominations_{obj._meta.model_name}_change", args=[obj.pk])


def errors_of(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


@pytest.fixture
def quota_with_seats(plan) -> QuotaLedger:
    quota = QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code="giay-khen-xa", nominee_kind="individual"
    )
    QuotaLedger.objects.filter(pk=quota.pk).update(used=3)
    quota.refresh_from_db()
    return quota


def test_admin_is_in_vietnamese(admin_client_vi):
    page = admin_client_vi.get(reverse("admin:index"))
    assert page.status_code == 200
    assert 'lang="vi"' in page.content.decode()
    assert vi("Configuration") in page.content.decode()  # our index title, translated


def test_quota_limit_below_used_is_refused(admin_client_vi, quota_with_seats):
    quota = quota_with_seats
    url = change_url(quota)
    before = all_rows(QuotaLedger)
    data = form_data(admin_client_vi.get(url))
    assert data["limit"] == "5"
    data["limit"] = "2"
    response = admin_client_vi.post(url, data)
    assert response.status_code == 200, "the form is shown again, not saved and redirected"
    assert response.context["adminform"].form.errors
    message = vi("The limit cannot be lower than the %(used)s seats already used.") % {"used": 3}
    assert message.startswith("Số lượng tối đa")
    assert message in response.content.decode()
    assert all_rows(QuotaLedger) == before
    quota.refresh_from_db()
    assert (quota.limit, quota.used) == (5, 3)


def test_quota_limit_change_at_or_above_used_is_saved(admin_client_vi, quota_with_seats):
    """The same form with an acceptable limit saves: the refusal above is the validation, not bad data."""
    quota = quota_with_seats
    url = change_url(quota)
    data = form_data(admin_client_vi.get(url))
    data["limit"] = "3"
    data["used"] = "0"  # read-only in the admin: seats move only through actions
    response = admin_client_vi.post(url, data)
    assert response.status_code == 302
    quota.refresh_from_db()
    assert (quota.limit, quota.used) == (3, 3)


def test_negative_coefficient_is_refused(admin_client_vi):
    award = AwardType.objects.get(code="giay-khen-xa")
    url = change_url(award)
    before = all_rows(AwardType)
    for field in ("coefficient_individual", "coefficient_collective", "household_multiplier"):
        data = form_data(admin_client_vi.get(url))
        data[field] = "-0.3"
        response = admin_client_vi.post(url, data)
        assert response.status_code == 200
        assert field in response.context["adminform"].form.errors
        assert vi("Coefficients cannot be negative.") in errors_of(response)
        assert all_rows(AwardType) == before

    data = form_data(admin_client_vi.get(url))
    data["coefficient_individual"] = "0.35"
    assert admin_client_vi.post(url, data).status_code == 302
    award.refresh_from_db()
    assert award.coefficient_individual == Decimal("0.35")


def test_overlapping_base_salary_period_is_refused(admin_client_vi):
    before = all_rows(BaseSalary)
    add_url = reverse("admin:nominations_basesalary_add")
    admin_client_vi.get(add_url)
    response = admin_client_vi.post(
        add_url,
        {
            "amount": "2600000",
            "effective_from": "2027-01-01",
            "effective_to": "",
            "legal_reference": "",
            "_save": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    overlap = vi("This period overlaps the base salary in force from %(start)s.") % {"start": "01/07/2026"}
    assert overlap in errors_of(response)
    assert all_rows(BaseSalary) == before

    # Stretching the old period over the new one is refused as well.
    old = BaseSalary.objects.get(amount=2_340_000)
    url = change_url(old)
    data = form_data(admin_client_vi.get(url))
    data["effective_to"] = "2026-12-31"
    response = admin_client_vi.post(url, data)
    assert response.status_code == 200
    assert overlap in errors_of(response)
    assert all_rows(BaseSalary) == before

    # An end before the start is refused.
    data["effective_to"] = "2024-01-01"
    response = admin_client_vi.post(url, data)
    assert response.status_code == 200
    assert vi("The period must end after it starts.") in errors_of(response)
    assert all_rows(BaseSalary) == before


def test_adjacent_base_salary_period_is_accepted(admin_client_vi):
    """Closing the open period and adding the next one is the normal yearly edit and must work."""
    current = BaseSalary.objects.get(amount=2_530_000)
    url = change_url(current)
    data = form_data(admin_client_vi.get(url))
    data["effective_to"] = "2027-06-30"
    assert admin_client_vi.post(url, data).status_code == 302
    response = admin_client_vi.post(
        reverse("admin:nominations_basesalary_add"),
        {
            "amount": "2800000",
            "effective_from": "2027-07-01",
            "effective_to": "",
            "legal_reference": "",
            "_save": "1",
        },
    )
    assert response.status_code == 302
    assert list(BaseSalary.objects.values_list("amount", flat=True)) == [2_340_000, 2_530_000, 2_800_000]


def test_database_refuses_used_above_limit_and_negative_coefficients(plan):
    quota = QuotaLedger.objects.filter(award_type__code="giay-khen-xa").first()
    assert quota is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaLedger.objects.filter(pk=quota.pk).update(used=quota.limit + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuotaLedger.objects.filter(pk=quota.pk).update(used=1, limit=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        AwardType.objects.filter(code="bang-khen-tinh").update(coefficient_collective=Decimal("-1"))
    quota.refresh_from_db()
    assert quota.used == 0
    assert AwardType.objects.get(code="bang-khen-tinh").coefficient_collective == Decimal("3.0")


def test_base_salary_period_must_be_ordered_in_the_database(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        BaseSalary.objects.create(
            amount=1, effective_from=dt.date(2030, 1, 1), effective_to=dt.date(2029, 1, 1)
        )
