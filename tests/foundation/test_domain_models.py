"""The domain as data (issue 2, point 4): several authorities, a protected FSM status, nominee kinds and
the rules of DOMAIN.md §4 as dated, editable configuration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from nominations import models as m
from nominations.documents.from_models import legal_bases_on
from nominations.rules import RuleMissing, council_rule_on, quorum_met, sla_days, vote_passes
from tests import factories as f

pytestmark = pytest.mark.django_db

D = dt.date


def test_two_authorities_share_one_database(plan):
    other = m.Authority.objects.create(code="xa-khac", name="UBND xã Khác", province="Thái Nguyên")
    # Codes are unique per authority, not globally.
    m.Unit.objects.create(authority=plan, code="thon-a", name="Thôn A", kind="village")
    m.Unit.objects.create(authority=other, code="thon-a", name="Thôn A", kind="village")
    m.AwardType.objects.create(
        authority=other,
        code="giay-khen-xa",
        name="Giấy khen",
        level="commune",
        decided_by="Chủ tịch",
        category="merit",
    )
    m.Movement.objects.create(
        authority=other,
        code="kh-cn-dmst-cds-2026-2030",
        name="Phong trào",
        starts_on=D(2026, 1, 1),
        ends_on=D(2030, 12, 31),
    )
    assert m.AwardType.objects.filter(code="giay-khen-xa").count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Unit.objects.create(authority=other, code="thon-a", name="Thôn A lần hai", kind="village")
    # Rules are per authority.
    assert council_rule_on(plan.pk, D(2026, 6, 1)).award_quorum_percent == Decimal(80)
    with pytest.raises(RuleMissing):
        council_rule_on(other.pk, D(2026, 6, 1))
    assert sla_days(other.pk, "appraise", D(2026, 6, 1)) is None


def test_nominee_kinds_and_dossier_fields(demo, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2026, 11, 25))
    assert set(m.NomineeKind.values) == {"collective", "individual", "household"}
    unit = m.Unit.objects.get(code="thon-dong-hy")
    household = unit.nominees.get(kind="household")
    d = f.draft(actor=demo["donvi"], unit=unit, nominee_obj=household)
    d = f.fresh(d)
    assert (d.status, d.version, d.nominee_kind) == ("draft", 1, "household")
    assert d.achievement_summary
    assert d.content_areas.count() == 1
    assert d.criteria_group == unit.criteria_group
    # The FSM status field is protected: only transitions move it.
    with pytest.raises(AttributeError):
        d.status = "awarded"
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Dossier.objects.filter(pk=d.pk).update(version=0)


def test_council_rules_are_dated(plan):
    rule = council_rule_on(plan.pk, D(2026, 1, 1))
    assert (rule.quorum_percent, rule.award_quorum_percent) == (Decimal("66.66"), Decimal(80))
    # Two thirds of the members make a valid session; 80% for a session that decides awards.
    assert quorum_met(6, 9, rule.quorum_percent)
    assert not quorum_met(5, 9, rule.quorum_percent)
    assert quorum_met(8, 10, rule.award_quorum_percent)
    assert not quorum_met(7, 9, rule.award_quorum_percent)
    with pytest.raises(RuleMissing):
        council_rule_on(plan.pk, D(2025, 12, 31))
    m.CouncilRule.objects.create(
        authority=plan,
        effective_from=D(2028, 1, 1),
        quorum_percent=Decimal(75),
        award_quorum_percent=Decimal(90),
    )
    assert council_rule_on(plan.pk, D(2027, 12, 31)).award_quorum_percent == Decimal(80)
    assert council_rule_on(plan.pk, D(2028, 1, 1)).award_quorum_percent == Decimal(90)


def test_vote_thresholds_count_all_members(plan):
    co = m.AwardType.objects.get(code="co-thi-dua-tinh")
    cstd_tinh = m.AwardType.objects.get(code="chien-si-thi-dua-tinh")
    giay = m.AwardType.objects.get(code="giay-khen-xa")
    # 8 of 10 members agree: 80% passes the Cờ thi đua, not the province's Chiến sĩ thi đua (90%).
    assert vote_passes(8, 10, co.vote_threshold_percent)
    assert not vote_passes(8, 10, cstd_tinh.vote_threshold_percent)
    assert vote_passes(9, 10, cstd_tinh.vote_threshold_percent)
    # Over all members, not those present: 7 of 9 (77.8%) fails 80% even if all 7 present agreed.
    assert not vote_passes(7, 9, co.vote_threshold_percent)
    # Simple majority (no threshold): more than half of all members.
    assert giay.vote_threshold_percent is None
    assert not vote_passes(5, 10, None)
    assert vote_passes(6, 10, None)
    # The threshold is data: editing it changes the outcome.
    m.AwardType.objects.filter(pk=co.pk).update(vote_threshold_percent=Decimal(85))
    co.refresh_from_db()
    assert not vote_passes(8, 10, co.vote_threshold_percent)


def test_sla_days_are_dated(plan):
    assert sla_days(plan.pk, "appraise", D(2026, 3, 1)) == 20
    assert sla_days(plan.pk, "notify_ineligible", D(2026, 3, 1)) == 5
    assert sla_days(plan.pk, "forward", D(2026, 3, 1)) == 10
    m.SlaRule.objects.create(authority=plan, step="appraise", working_days=15, effective_from=D(2028, 1, 1))
    assert sla_days(plan.pk, "appraise", D(2027, 12, 31)) == 20
    assert sla_days(plan.pk, "appraise", D(2028, 1, 1)) == 15


def test_legal_bases_are_dated(plan):
    before = " | ".join(legal_bases_on(plan.pk, D(2025, 6, 30)))
    after = " | ".join(legal_bases_on(plan.pk, D(2026, 11, 25)))
    assert "98/2023/NĐ-CP" in before and "152/2025/NĐ-CP" not in before
    assert "152/2025/NĐ-CP" in after and "98/2023/NĐ-CP" not in after
    assert "06/2022/QH15" in before and "06/2022/QH15" in after
    assert "15/2025/TT-BNV" in after
