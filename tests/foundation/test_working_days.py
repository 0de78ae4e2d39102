"""Deadlines in Vietnamese working days: weekends and public holidays (editable rows) are skipped."""

from __future__ import annotations

import datetime as dt

import pytest

from nominations.models import PublicHoliday
from nominations.plan import holidays_rows
from nominations.rules import add_working_days, sla_days, working_days_between

pytestmark = pytest.mark.django_db

D = dt.date


def test_weekend_is_skipped(plan):
    friday = D(2026, 11, 27)
    assert friday.weekday() == 4
    assert add_working_days(friday, 1) == D(2026, 11, 30)  # Monday
    assert add_working_days(D(2026, 11, 25), 2) == D(2026, 11, 27)
    assert add_working_days(D(2026, 11, 28), 1) == D(2026, 11, 30)  # from a Saturday
    assert add_working_days(friday, 0) == friday
    assert working_days_between(friday, D(2026, 11, 30)) == 1
    assert working_days_between(D(2026, 11, 30), friday) == -1


def test_tet_2027_is_skipped(plan):
    # Tết 2027: Thursday 04/02 to Wednesday 10/02 are days off.
    for day in range(4, 11):
        assert PublicHoliday.objects.filter(date=D(2027, 2, day), is_working_day=False).exists()
    assert add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)
    assert working_days_between(D(2027, 2, 3), D(2027, 2, 11)) == 1


def test_appraisal_deadline_across_tet(plan):
    """20 working days after a complete dossier is received on Monday 25/01/2027."""
    assert sla_days(plan.pk, "appraise", D(2027, 1, 25)) == 20
    # 26-29/01 (4), 01-03/02 (7), Tết 04-10/02, 11-12/02 (9), 15-19/02 (14), 22-26/02 (19), 01/03 (20)
    due = add_working_days(D(2027, 1, 25), 20)
    assert due == D(2027, 3, 1)
    assert working_days_between(D(2027, 1, 25), due) == 20


def test_reunification_and_labour_day(plan):
    # 30/04 and 01/05/2026 are Thursday and Friday.
    assert add_working_days(D(2026, 4, 29), 1) == D(2026, 5, 4)
    # 2027: 30/04 is a Friday, 01/05 a Saturday, so Monday 03/05 is the day off in lieu.
    assert add_working_days(D(2027, 4, 29), 1) == D(2027, 5, 4)


def test_2026_make_up_working_saturday(plan):
    rows = {day: (name, working) for day, name, working in holidays_rows(range(2026, 2027))}
    assert rows[D(2026, 8, 22)][1] is True  # Saturday worked in exchange ...
    assert rows[D(2026, 8, 31)][1] is False  # ... for Monday 31/08 off
    assert D(2026, 8, 22).weekday() == 5
    assert PublicHoliday.objects.get(date=D(2026, 8, 22)).is_working_day
    # Friday 21/08 + 1 is the worked Saturday, not Monday 24/08.
    assert add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)
    # Friday 28/08 + 1: weekend, 31/08 (exchanged), 01-02/09 (National Day) → Thursday 03/09.
    assert add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)
    assert working_days_between(D(2026, 8, 21), D(2026, 8, 24)) == 2


def test_editing_holidays_changes_the_result(plan):
    friday = D(2026, 11, 27)
    assert add_working_days(friday, 1) == D(2026, 11, 30)
    PublicHoliday.objects.create(date=D(2026, 11, 30), name="Ngày nghỉ do UBND tỉnh quyết định")
    assert add_working_days(friday, 1) == D(2026, 12, 1)

    # The make-up Saturday turned into an ordinary weekend day.
    PublicHoliday.objects.filter(date=D(2026, 8, 22)).update(is_working_day=False)
    assert add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 24)

    # A Tết day deleted by the administrator is worked again.
    PublicHoliday.objects.filter(date=D(2027, 2, 4)).delete()
    assert add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 4)


def test_no_holiday_rows_means_only_weekends(db):
    assert not PublicHoliday.objects.exists()
    assert add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 4)


def test_due_date_in_one_statement_matches_the_two_step_reads(plan, django_assert_num_queries):
    """The move's deadline (SLA rule + calendar in one statement) agrees with sla_days + add_working_days
    across Tết, the make-up Saturday and a rule re-dated later; no rule (or zero days) means no deadline."""
    from nominations.models import SlaRule
    from nominations.rules import due_date

    SlaRule.objects.create(authority=plan, step="appraise", working_days=3, effective_from=D(2027, 6, 1))
    for start in (
        D(2026, 8, 21),
        D(2026, 8, 28),
        D(2026, 11, 25),
        D(2027, 1, 25),
        D(2027, 2, 3),
        D(2027, 6, 2),
    ):
        for step in ("receive", "appraise", "council"):
            days = sla_days(plan.pk, step, start)
            expected = add_working_days(start, days) if days else None
            with django_assert_num_queries(1):
                assert due_date(plan.pk, step, start) == expected, (start, step)
    assert due_date(plan.pk, "no-such-step", D(2026, 11, 25)) is None
    SlaRule.objects.create(authority=plan, step="appraise", working_days=0, effective_from=D(2027, 7, 1))
    assert due_date(plan.pk, "appraise", D(2027, 7, 2)) is None
