"""Reward = coefficient × base salary in force on the decision date, rounded UP to 10,000 đ (DOMAIN.md §4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nominations.models import AwardType, BaseSalary
from nominations.rules import RuleMissing, base_salary_on, reward_amount, round_up_reward

pytestmark = pytest.mark.django_db

LAST_OLD_DAY = dt.date(2026, 6, 30)
FIRST_NEW_DAY = dt.date(2026, 7, 1)

# (award code, nominee kind) -> (amount until 30/06/2026 at 2,340,000, amount from 01/07/2026 at 2,530,000)
TABLE = {
    # 0.3 × 2,340,000 = 702,000 → 710,000; 0.3 × 2,530,000 = 759,000 → 760,000
    ("giay-khen-xa", "individual"): (710_000, 760_000),
    # 0.6 × 2,340,000 = 1,404,000 → 1,410,000; 0.6 × 2,530,000 = 1,518,000 → 1,520,000
    ("giay-khen-xa", "collective"): (1_410_000, 1_520_000),
    # household 1.5 × 0.3 = 0.45: 1,053,000 → 1,060,000; 1,138,500 → 1,140,000
    ("giay-khen-xa", "household"): (1_060_000, 1_140_000),
    # 1.5 × 2,340,000 = 3,510,000 (already round); 1.5 × 2,530,000 = 3,795,000 → 3,800,000
    ("bang-khen-tinh", "individual"): (3_510_000, 3_800_000),
    # 3.0 × … = 7,020,000; 7,590,000 (both already round)
    ("bang-khen-tinh", "collective"): (7_020_000, 7_590_000),
    # household 1.5 × 1.5 = 2.25: 5,265,000 → 5,270,000; 5,692,500 → 5,700,000
    ("bang-khen-tinh", "household"): (5_270_000, 5_700_000),
    # 8.0 × … = 18,720,000; 20,240,000
    ("co-thi-dua-tinh", "collective"): (18_720_000, 20_240_000),
}


def test_base_salary_schedule(plan):
    assert base_salary_on(dt.date(2024, 7, 1)) == 2_340_000
    assert base_salary_on(LAST_OLD_DAY) == 2_340_000
    assert base_salary_on(FIRST_NEW_DAY) == 2_530_000
    assert base_salary_on(dt.date(2030, 12, 31)) == 2_530_000
    with pytest.raises(RuleMissing):
        base_salary_on(dt.date(2024, 6, 30))


@pytest.mark.parametrize(("award_code", "kind"), list(TABLE))
def test_domain_table_both_salary_periods(plan, award_code, kind):
    award = AwardType.objects.get(code=award_code)
    before, after = TABLE[(award_code, kind)]
    assert reward_amount(award, kind, dt.date(2026, 1, 15)) == before
    assert reward_amount(award, kind, LAST_OLD_DAY) == before
    assert reward_amount(award, kind, FIRST_NEW_DAY) == after
    assert reward_amount(award, kind, dt.date(2027, 12, 20)) == after


def test_rounding_is_up_not_to_nearest():
    assert round_up_reward(Decimal(702_000)) == 710_000  # nearest would give 700,000
    assert round_up_reward(Decimal("1138500.0")) == 1_140_000
    assert round_up_reward(Decimal(700_001)) == 710_000
    assert round_up_reward(Decimal(3_510_000)) == 3_510_000  # exact multiples stay
    assert round_up_reward(Decimal(0)) == 0


def test_household_is_one_and_a_half_times_the_individual_coefficient(plan):
    award = AwardType.objects.get(code="giay-khen-xa")
    AwardType.objects.filter(pk=award.pk).update(household_multiplier=Decimal(2))
    award.refresh_from_db()
    # 2 × 0.3 × 2,530,000 = 1,518,000 → 1,520,000: the multiplier is data, not a literal.
    assert reward_amount(award, "household", FIRST_NEW_DAY) == 1_520_000


def test_amounts_follow_edited_configuration(plan):
    """A new salary period and an edited coefficient change the amount: nothing is hard-coded."""
    BaseSalary.objects.filter(amount=2_530_000).update(effective_to=dt.date(2027, 6, 30))
    BaseSalary.objects.create(amount=2_800_000, effective_from=dt.date(2027, 7, 1))
    award = AwardType.objects.get(code="giay-khen-xa")
    assert reward_amount(award, "individual", dt.date(2027, 6, 30)) == 760_000
    # 0.3 × 2,800,000 = 840,000
    assert reward_amount(award, "individual", dt.date(2027, 7, 1)) == 840_000
    AwardType.objects.filter(pk=award.pk).update(coefficient_individual=Decimal("0.35"))
    award.refresh_from_db()
    # 0.35 × 2,800,000 = 980,000
    assert reward_amount(award, "individual", dt.date(2027, 7, 1)) == 980_000
