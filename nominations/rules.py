"""Dated rules read from configuration: money, working days, deadlines, council quorum."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import AwardType, BaseSalary, CouncilRule, NomineeKind, PublicHoliday, SlaRule

REWARD_ROUNDING = Decimal(10_000)


class RuleMissing(LookupError):
    """No configuration row is in force for the date asked."""


def base_salary_on(on: dt.date) -> int:
    row = (
        BaseSalary.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        raise RuleMissing(_("No base salary is configured for %(date)s.") % {"date": on.strftime("%d/%m/%Y")})
    return row.amount


def reward_coefficient(award_type: AwardType, nominee_kind: str) -> Decimal:
    if nominee_kind == NomineeKind.COLLECTIVE:
        return award_type.coefficient_collective
    if nominee_kind == NomineeKind.HOUSEHOLD:
        return award_type.coefficient_individual * award_type.household_multiplier
    return award_type.coefficient_individual


def round_up_reward(amount: Decimal) -> int:
    """Rounded up to the next 10,000 đ."""
    steps = (amount / REWARD_ROUNDING).to_integral_value(rounding=ROUND_CEILING)
    return int(steps * REWARD_ROUNDING)


def reward_amount(award_type: AwardType, nominee_kind: str, on: dt.date) -> int:
    """Coefficient × base salary in force on the decision date, rounded up to 10,000 đ."""
    return round_up_reward(reward_coefficient(award_type, nominee_kind) * base_salary_on(on))


# --- Working days ---------------------------------------------------------------------------------


def _calendar(start: dt.date, end: dt.date) -> tuple[set[dt.date], set[dt.date]]:
    rows = PublicHoliday.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_working_day")
    days_off = {d for d, working in rows if not working}
    make_up = {d for d, working in rows if working}
    return days_off, make_up


def is_working_day(day: dt.date, days_off: set[dt.date], make_up: set[dt.date]) -> bool:
    if day in make_up:
        return True
    return day.weekday() < 5 and day not in days_off


def _count_forward(start: dt.date, days: int, days_off: set[dt.date], make_up: set[dt.date]) -> dt.date:
    current, remaining = start, days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current, days_off, make_up):
            remaining -= 1
    return current


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` Vietnamese working days after `start` (weekends and public holidays skipped)."""
    # Holidays are at most ~20 a year; a window of 3× plus a month always covers the result.
    days_off, make_up = _calendar(start, start + dt.timedelta(days=days * 3 + 31))
    return _count_forward(start, days, days_off, make_up)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when end is before start)."""
    if end < start:
        return -working_days_between(end, start)
    days_off, make_up = _calendar(start, end)
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current, days_off, make_up):
            count += 1
    return count


def sla_days(authority_id: int, step: str, on: dt.date) -> int | None:
    return (
        SlaRule.objects.filter(authority_id=authority_id, step=step, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("working_days", flat=True)
        .first()
    )


# How far ahead due_date() reads the calendar in its one statement: enough for any SLA up to
# (HORIZON - 31) / 3 working days; a longer one falls back to the two-step reads.
CALENDAR_HORIZON_DAYS = 400


def due_date(authority_id: int, step: str, start: dt.date) -> dt.date | None:
    """`start` plus the step's SLA in working days (None when the step has none or zero), with the rule
    in force on `start`. The rule and the public-holiday calendar come back in one statement: this
    runs inside every move of a dossier."""
    horizon = start + dt.timedelta(days=CALENDAR_HORIZON_DAYS)
    sla, holiday = SlaRule._meta.db_table, PublicHoliday._meta.db_table  # table names, not input
    sql = (
        f"SELECT 0, s.working_days, NULL, NULL FROM (SELECT working_days FROM {sla}"  # noqa: S608
        " WHERE authority_id = %s AND step = %s AND effective_from <= %s ORDER BY effective_from DESC LIMIT 1) s"
        f" UNION ALL SELECT 1, NULL, date, is_working_day FROM {holiday} WHERE date > %s AND date <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [authority_id, step, start, start, horizon])
        rows = cursor.fetchall()
    days = next((row[1] for row in rows if row[0] == 0), None)
    if not days:
        return None
    if days * 3 + 31 > CALENDAR_HORIZON_DAYS:
        return add_working_days(start, days)
    days_off: set[dt.date] = set()
    make_up: set[dt.date] = set()
    for kind, _days, day, working in rows:
        if kind == 1:
            # SQLite hands raw rows back as text and 0/1; PostgreSQL as date and bool.
            on = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
            (make_up if working else days_off).add(on)
    return _count_forward(start, days, days_off, make_up)


def council_rule_on(authority_id: int, on: dt.date) -> CouncilRule:
    row = (
        CouncilRule.objects.filter(authority_id=authority_id, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        raise RuleMissing(
            _("No council rule is configured for %(date)s.") % {"date": on.strftime("%d/%m/%Y")}
        )
    return row


def vote_passes(agreeing: int, all_members: int, threshold_percent: Decimal | None) -> bool:
    """Thresholds count over all council members, not those present.

    A set threshold means agreeing/all ≥ threshold; none means a simple majority (more than half).
    Integer arithmetic, so 79.9% never rounds up to 80%.
    """
    if all_members <= 0:
        return False
    if threshold_percent is None:
        return agreeing * 2 > all_members
    return Decimal(agreeing) * 100 >= threshold_percent * all_members


def quorum_met(present: int, all_members: int, quorum_percent: Decimal) -> bool:
    if all_members <= 0:
        return False
    return Decimal(present) * 100 >= quorum_percent * all_members
