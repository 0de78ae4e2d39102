"""`seed_plan` loads the plan of DOMAIN.md §1 exactly, and a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from nominations import models as m

pytestmark = pytest.mark.django_db

GIAY_KHEN = "giay-khen-xa"
BANG_KHEN = "bang-khen-tinh"
CO_THI_DUA = "co-thi-dua-tinh"

# DOMAIN.md §1, section VI of the plan: (occasion code, award code, nominee kind) -> limit.
EXPECTED_QUOTAS: dict[tuple[str, str, str], int] = {}
for _year in range(2026, 2031):
    EXPECTED_QUOTAS |= {
        (f"hang-nam-{_year}", GIAY_KHEN, "collective"): 2,
        (f"hang-nam-{_year}", GIAY_KHEN, "individual"): 5,
        (f"hang-nam-{_year}", BANG_KHEN, "collective"): 15,
        (f"hang-nam-{_year}", BANG_KHEN, "individual"): 20,
    }
EXPECTED_QUOTAS |= {
    ("so-ket-2027", GIAY_KHEN, "collective"): 5,
    ("so-ket-2027", GIAY_KHEN, "individual"): 8,
    ("so-ket-2027", BANG_KHEN, "collective"): 20,
    ("so-ket-2027", BANG_KHEN, "individual"): 20,
    ("tong-ket-2030", GIAY_KHEN, "collective"): 8,
    ("tong-ket-2030", GIAY_KHEN, "individual"): 15,
    ("tong-ket-2030", BANG_KHEN, "collective"): 30,
    ("tong-ket-2030", BANG_KHEN, "individual"): 30,
    ("tong-ket-2030", CO_THI_DUA, "collective"): 2,
}

SEEDED_MODELS = [
    m.Authority,
    m.Movement,
    m.ContentArea,
    m.CriteriaGroup,
    m.Occasion,
    m.AwardType,
    m.QuotaLedger,
    m.CouncilRule,
    m.SlaRule,
    m.BaseSalary,
    m.LegalBasis,
    m.PublicHoliday,
]


def dump() -> dict[str, list[dict]]:
    """Every row of every table the plan touches, in primary-key order."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in SEEDED_MODELS}


def seed() -> str:
    out = StringIO()
    call_command("seed_plan", stdout=out)
    return out.getvalue()


def test_quota_table_is_exactly_the_plan():
    seed()
    actual = {
        (q.occasion.code, q.award_type.code, q.nominee_kind): q.limit
        for q in m.QuotaLedger.objects.select_related("occasion", "award_type")
    }
    assert actual == EXPECTED_QUOTAS
    assert m.QuotaLedger.objects.filter(used=0).count() == len(EXPECTED_QUOTAS)
    # The Cờ thi đua exists only at the final review, only for collectives.
    co_rows = m.QuotaLedger.objects.filter(award_type__code=CO_THI_DUA)
    assert [(q.occasion.code, q.nominee_kind) for q in co_rows] == [("tong-ket-2030", "collective")]
    # No household quotas: the plan speaks of collectives and individuals only.
    assert not m.QuotaLedger.objects.filter(nominee_kind="household").exists()


def test_occasions_with_nomination_windows():
    seed()
    movement = m.Movement.objects.get()
    assert movement.starts_on == dt.date(2026, 1, 1)
    assert movement.ends_on == dt.date(2030, 12, 31)
    occasions = {o.code: o for o in m.Occasion.objects.filter(movement=movement)}
    assert set(occasions) == {f"hang-nam-{y}" for y in range(2026, 2031)} | {"so-ket-2027", "tong-ket-2030"}
    for year in range(2026, 2031):
        annual = occasions[f"hang-nam-{year}"]
        assert (annual.kind, annual.year) == (m.OccasionKind.ANNUAL, year)
    assert (occasions["so-ket-2027"].kind, occasions["so-ket-2027"].year) == (m.OccasionKind.INTERIM, 2027)
    assert (occasions["tong-ket-2030"].kind, occasions["tong-ket-2030"].year) == (m.OccasionKind.FINAL, 2030)
    for occ in occasions.values():
        assert occ.window_opens < occ.window_closes
        assert occ.window_opens.year == occ.window_closes.year == occ.year
        assert occ.name


def test_content_areas_and_criteria_groups():
    seed()
    movement = m.Movement.objects.get()
    areas = list(m.ContentArea.objects.filter(movement=movement).values_list("number", "name"))
    assert [n for n, _ in areas] == [1, 2, 3, 4, 5, 6]
    assert "Bình dân học AI" in dict(areas)[5]
    assert "an ninh mạng" in dict(areas)[6]
    groups = list(m.CriteriaGroup.objects.filter(movement=movement).values_list("number", "name"))
    assert [n for n, _ in groups] == [1, 2, 3, 4]
    assert "Mặt trận Tổ quốc" in dict(groups)[2]
    assert "hợp tác xã" in dict(groups)[3]
    assert "công chức" in dict(groups)[4]


def test_award_types_and_coefficients():
    seed()
    awards = {a.code: a for a in m.AwardType.objects.all()}
    giay, bang, co = awards[GIAY_KHEN], awards[BANG_KHEN], awards[CO_THI_DUA]
    assert giay.name == "Giấy khen của Chủ tịch UBND xã"
    assert (giay.coefficient_individual, giay.coefficient_collective) == (Decimal("0.3"), Decimal("0.6"))
    assert giay.level == m.AwardLevel.COMMUNE and giay.is_commune_decided
    assert bang.name == "Bằng khen của Chủ tịch UBND tỉnh"
    assert (bang.coefficient_individual, bang.coefficient_collective) == (Decimal("1.5"), Decimal("3.0"))
    assert bang.level == m.AwardLevel.PROVINCE and not bang.is_commune_decided
    assert co.name == "Cờ thi đua của UBND tỉnh"
    assert co.coefficient_collective == Decimal("8.0")
    assert co.level == m.AwardLevel.PROVINCE
    assert (co.allows_collective, co.allows_individual, co.allows_household) == (True, False, False)
    for award in awards.values():
        assert award.household_multiplier == Decimal("1.5")
    # Council thresholds over all members: 80% for Cờ thi đua and Chiến sĩ thi đua cơ sở, 90% for the
    # province's Chiến sĩ thi đua, simple majority (None) otherwise.
    assert co.vote_threshold_percent == Decimal(80)
    assert awards["chien-si-thi-dua-co-so"].vote_threshold_percent == Decimal(80)
    assert awards["chien-si-thi-dua-tinh"].vote_threshold_percent == Decimal(90)
    assert giay.vote_threshold_percent is None and bang.vote_threshold_percent is None
    # State-level awards have no fixed number.
    assert awards["khen-thuong-nha-nuoc"].level == m.AwardLevel.STATE
    assert not awards["khen-thuong-nha-nuoc"].quota_limited
    assert giay.quota_limited and bang.quota_limited and co.quota_limited


def test_dated_rules_are_seeded():
    seed()
    authority = m.Authority.objects.get(code="vinh-thong")
    salaries = list(m.BaseSalary.objects.values_list("amount", "effective_from", "effective_to"))
    assert salaries == [
        (2_340_000, dt.date(2024, 7, 1), dt.date(2026, 6, 30)),
        (2_530_000, dt.date(2026, 7, 1), None),
    ]
    rule = m.CouncilRule.objects.get(authority=authority)
    assert rule.award_quorum_percent == Decimal(80)
    sla = dict(m.SlaRule.objects.filter(authority=authority).values_list("step", "working_days"))
    assert (sla["appraise"], sla["notify_ineligible"], sla["forward"]) == (20, 5, 10)
    citations = " | ".join(
        m.LegalBasis.objects.filter(authority=authority).values_list("citation", flat=True)
    )
    for law in ("06/2022/QH15", "152/2025/NĐ-CP", "15/2025/TT-BNV"):
        assert law in citations
    assert m.PublicHoliday.objects.filter(date=dt.date(2027, 2, 8), is_working_day=False).exists()


def test_second_run_changes_nothing_and_keeps_edits():
    first = seed()
    assert "Plan loaded" in first or "Đã nạp" in first
    before = dump()
    assert all(before.values()), "every seeded table has rows"
    second = seed()
    assert dump() == before
    assert "nothing changed" in second or "không có gì thay đổi" in second

    # Seats already used and limits edited by an administrator survive a re-run.
    used_row = m.QuotaLedger.objects.get(
        occasion__code="hang-nam-2026", award_type__code=GIAY_KHEN, nominee_kind="individual"
    )
    m.QuotaLedger.objects.filter(pk=used_row.pk).update(used=3)
    edited_row = m.QuotaLedger.objects.get(
        occasion__code="hang-nam-2027", award_type__code=BANG_KHEN, nominee_kind="collective"
    )
    m.QuotaLedger.objects.filter(pk=edited_row.pk).update(limit=12, used=4)
    m.AwardType.objects.filter(code=GIAY_KHEN).update(coefficient_individual=Decimal("0.35"))
    edited = dump()
    seed()
    assert dump() == edited
    used_row.refresh_from_db()
    edited_row.refresh_from_db()
    assert used_row.used == 3
    assert (edited_row.limit, edited_row.used) == (12, 4)


def test_rerun_does_not_undo_administrator_deletions_and_redating():
    """`make run` re-runs seed_plan on every start: rules the administrator removed or re-dated stay so."""
    seed()
    authority = m.Authority.objects.get(code="vinh-thong")
    # A Tết day is worked after all; a salary period is re-dated; a citation is corrected; a step
    # deadline and the council rule are re-dated.
    m.PublicHoliday.objects.filter(date=dt.date(2027, 2, 4)).delete()
    m.BaseSalary.objects.filter(amount=2_530_000).update(effective_from=dt.date(2026, 7, 2))
    m.BaseSalary.objects.filter(amount=2_340_000).update(effective_to=dt.date(2026, 7, 1))
    basis = m.LegalBasis.objects.filter(authority=authority).order_by("order").first()
    assert basis is not None
    m.LegalBasis.objects.filter(pk=basis.pk).update(citation=basis.citation + " (sửa đổi)")
    m.SlaRule.objects.filter(authority=authority, step="resubmit").update(effective_from=dt.date(2026, 3, 1))
    m.CouncilRule.objects.filter(authority=authority).update(effective_from=dt.date(2025, 12, 1))
    edited = dump()
    seed()
    assert dump() == edited
    assert not m.PublicHoliday.objects.filter(date=dt.date(2027, 2, 4)).exists()
    assert m.BaseSalary.objects.count() == 2
    assert m.CouncilRule.objects.count() == 1
    assert m.SlaRule.objects.filter(step="resubmit").count() == 1


def test_holidays_of_a_new_year_are_still_added():
    seed()
    m.PublicHoliday.objects.filter(date__year=2031).delete()
    seed()
    assert m.PublicHoliday.objects.filter(date=dt.date(2031, 9, 2)).exists()
