"""The Vĩnh Thông plan (../shared/seed/ke-hoach-phong-trao-vinh-thong-2026-2030.txt) as data.

`seed_plan` loads exactly this; running it twice changes nothing. Values are what the plan and
DOMAIN.md say; afterwards they are edited in the admin, not here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import transaction

from .models import (
    Authority,
    AwardLevel,
    AwardType,
    BaseSalary,
    ContentArea,
    CouncilRule,
    CriteriaGroup,
    LegalBasis,
    Movement,
    Occasion,
    OccasionKind,
    PublicHoliday,
    QuotaLedger,
    SlaRule,
)

D = dt.date

AUTHORITY = {
    "code": "vinh-thong",
    "name": "Ủy ban nhân dân xã Vĩnh Thông",
    "province": "Thái Nguyên",
    "place_name": "Vĩnh Thông",
}

MOVEMENT = {
    "code": "kh-cn-dmst-cds-2026-2030",
    "name": (
        "Vĩnh Thông thi đua đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo "
        "và chuyển đổi số giai đoạn 2026 - 2030"
    ),
    "starts_on": D(2026, 1, 1),
    "ends_on": D(2030, 12, 31),
    "plan_reference": "Kế hoạch tổ chức thực hiện Phong trào của UBND xã Vĩnh Thông (tháng 4/2026)",
}

CONTENT_AREAS = [
    (1, "Nâng cao nhận thức và đột phá về đổi mới tư duy, chuyển đổi số"),
    (2, "Phát triển hạ tầng số và công nghệ số"),
    (3, "Chuyển đổi số trong hoạt động chính quyền và cải cách hành chính"),
    (4, "Phát triển kinh tế số"),
    (5, "Xây dựng xã hội số và phát triển nguồn nhân lực (“Bình dân học AI”)"),
    (6, "Bảo đảm quốc phòng, an ninh và an ninh mạng"),
]

CRITERIA_GROUPS = [
    (1, "Cơ quan, đơn vị, thôn, tổ chức chính trị - xã hội và doanh nghiệp trên địa bàn xã"),
    (2, "Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội xã"),
    (3, "Doanh nghiệp, hợp tác xã, cơ sở sản xuất kinh doanh"),
    (4, "Cán bộ, công chức, viên chức, người lao động"),
]

# code, name, level, decided_by, category, (collective, individual, household allowed),
# coefficient individual, coefficient collective, council threshold % (None = majority), quota_limited
AWARD_TYPES = [
    (
        "giay-khen-xa",
        "Giấy khen của Chủ tịch UBND xã",
        AwardLevel.COMMUNE,
        "Chủ tịch UBND xã",
        "merit",
        (True, True, True),
        "0.3",
        "0.6",
        None,
        True,
    ),
    (
        "chien-si-thi-dua-co-so",
        "Chiến sĩ thi đua cơ sở",
        AwardLevel.COMMUNE,
        "Chủ tịch UBND xã",
        "title",
        (False, True, False),
        "1.0",
        "0",
        "80",
        False,
    ),
    (
        "bang-khen-tinh",
        "Bằng khen của Chủ tịch UBND tỉnh",
        AwardLevel.PROVINCE,
        "Chủ tịch UBND tỉnh",
        "merit",
        (True, True, True),
        "1.5",
        "3.0",
        None,
        True,
    ),
    (
        "co-thi-dua-tinh",
        "Cờ thi đua của UBND tỉnh",
        AwardLevel.PROVINCE,
        "UBND tỉnh",
        "title",
        (True, False, False),
        "0",
        "8.0",
        "80",
        True,
    ),
    (
        "chien-si-thi-dua-tinh",
        "Chiến sĩ thi đua cấp tỉnh",
        AwardLevel.PROVINCE,
        "Chủ tịch UBND tỉnh",
        "title",
        (False, True, False),
        "3.0",
        "0",
        "90",
        False,
    ),
    (
        "khen-thuong-nha-nuoc",
        "Khen thưởng cấp Nhà nước (Hướng dẫn 3751/HD-BNV)",
        AwardLevel.STATE,
        "Thủ tướng Chính phủ / Chủ tịch nước",
        "merit",
        (True, True, False),
        "0",
        "0",
        None,
        False,
    ),
]

YEARS = range(2026, 2031)

# Section VI of the plan: (award code, occasion kind) -> (collectives, individuals).
QUOTAS: dict[tuple[str, str], tuple[int | None, int | None]] = {
    ("giay-khen-xa", OccasionKind.ANNUAL): (2, 5),
    ("giay-khen-xa", OccasionKind.INTERIM): (5, 8),
    ("giay-khen-xa", OccasionKind.FINAL): (8, 15),
    ("bang-khen-tinh", OccasionKind.ANNUAL): (15, 20),
    ("bang-khen-tinh", OccasionKind.INTERIM): (20, 20),
    ("bang-khen-tinh", OccasionKind.FINAL): (30, 30),
    ("co-thi-dua-tinh", OccasionKind.FINAL): (2, None),
}


def occasions() -> list[dict]:
    rows = [
        {
            "code": f"hang-nam-{year}",
            "kind": OccasionKind.ANNUAL,
            "year": year,
            "name": f"Khen thưởng hằng năm {year}",
            "window_opens": D(year, 10, 15),
            "window_closes": D(year, 12, 20),
        }
        for year in YEARS
    ]
    rows.append(
        {
            "code": "so-ket-2027",
            "kind": OccasionKind.INTERIM,
            "year": 2027,
            "name": "Sơ kết giai đoạn 1 (2026 - 2027)",
            "window_opens": D(2027, 9, 1),
            "window_closes": D(2027, 10, 31),
        }
    )
    rows.append(
        {
            "code": "tong-ket-2030",
            "kind": OccasionKind.FINAL,
            "year": 2030,
            "name": "Tổng kết phong trào (2026 - 2030)",
            "window_opens": D(2030, 8, 1),
            "window_closes": D(2030, 10, 31),
        }
    )
    return rows


SLA_DAYS = {
    "receive": 3,
    "appraise": 20,
    "notify_ineligible": 5,
    "resubmit": 10,
    "agenda": 10,
    "council": 10,
    "prepare_decision": 5,
    "sign": 5,
    "forward": 10,
}

BASE_SALARIES = [
    (2_340_000, D(2024, 7, 1), D(2026, 6, 30), "Nghị định 73/2024/NĐ-CP"),
    (2_530_000, D(2026, 7, 1), None, ""),
]

LEGAL_BASES = [
    ("Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022", D(2024, 1, 1), None),
    (
        "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
        "một số điều của Luật Thi đua, khen thưởng",
        D(2024, 1, 1),
        D(2025, 6, 30),
    ),
    (
        "Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều của "
        "Luật Thi đua, khen thưởng",
        D(2025, 7, 1),
        None,
    ),
    ("Thông tư số 15/2025/TT-BNV của Bộ Nội vụ", D(2025, 7, 1), None),
    ("Quy chế công tác thi đua, khen thưởng của UBND tỉnh Thái Nguyên", D(2026, 1, 1), None),
    (
        "Kế hoạch tổ chức thực hiện Phong trào “Vĩnh Thông thi đua đột phá phát triển khoa học, công nghệ, "
        "đổi mới sáng tạo và chuyển đổi số” giai đoạn 2026 - 2030 của UBND xã Vĩnh Thông",
        D(2026, 4, 1),
        None,
    ),
]

_MAKE_UP = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


def holidays_rows(years: range) -> list[tuple[dt.date, str, bool]]:
    """Vietnam's public holidays from the `holidays` package, plus the weekend days worked in exchange."""
    import holidays

    rows: list[tuple[dt.date, str, bool]] = []
    for day, name in sorted(holidays.country_holidays("VN", years=list(years), language="vi").items()):
        rows.append((day, name, False))
        match = _MAKE_UP.search(name)
        if match:
            dd, mm, yyyy = (int(x) for x in match.groups())
            rows.append((D(yyyy, mm, dd), f"Ngày làm bù cho {day:%d/%m/%Y}", True))
    return rows


@transaction.atomic
def seed_plan() -> dict[str, int]:
    """Load the plan. Idempotent: existing rows keep their (possibly edited) values and `used` counts."""
    created = dict.fromkeys(
        ["authority", "movement", "occasions", "award_types", "quotas", "rules", "holidays"], 0
    )
    authority, new = Authority.objects.get_or_create(code=AUTHORITY["code"], defaults=AUTHORITY)
    created["authority"] += new
    movement, new = Movement.objects.get_or_create(
        authority=authority,
        code=MOVEMENT["code"],
        defaults={k: v for k, v in MOVEMENT.items() if k != "code"},
    )
    created["movement"] += new
    for number, name in CONTENT_AREAS:
        ContentArea.objects.get_or_create(movement=movement, number=number, defaults={"name": name})
    for number, name in CRITERIA_GROUPS:
        CriteriaGroup.objects.get_or_create(movement=movement, number=number, defaults={"name": name})

    occasion_by_code = {}
    for row in occasions():
        occ, new = Occasion.objects.get_or_create(
            movement=movement, code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
        occasion_by_code[row["code"]] = occ
        created["occasions"] += new

    award_by_code = {}
    for order, (code, name, level, decided_by, category, kinds, ci, cc, threshold, limited) in enumerate(
        AWARD_TYPES
    ):
        award, new = AwardType.objects.get_or_create(
            authority=authority,
            code=code,
            defaults={
                "name": name,
                "level": level,
                "decided_by": decided_by,
                "category": category,
                "allows_collective": kinds[0],
                "allows_individual": kinds[1],
                "allows_household": kinds[2],
                "coefficient_individual": Decimal(ci),
                "coefficient_collective": Decimal(cc),
                "household_multiplier": Decimal("1.5"),
                "requires_council": True,
                "vote_threshold_percent": Decimal(threshold) if threshold else None,
                "quota_limited": limited,
                "order": order,
            },
        )
        award_by_code[code] = award
        created["award_types"] += new

    for occ in occasion_by_code.values():
        for (award_code, kind), (collectives, individuals) in QUOTAS.items():
            if occ.kind != kind:
                continue
            for nominee_kind, limit in (("collective", collectives), ("individual", individuals)):
                if limit is None:
                    continue
                _q, new = QuotaLedger.objects.get_or_create(
                    occasion=occ,
                    award_type=award_by_code[award_code],
                    nominee_kind=nominee_kind,
                    defaults={"limit": limit},
                )
                created["quotas"] += new

    # The dated rules are seeded once and then belong to the administrator: `make run` re-runs this
    # on every start, so a row the administrator deleted or re-dated (a holiday that is worked after
    # all, a corrected salary period or citation) must not come back. Each kind is therefore loaded
    # only where none of its rows exist yet.
    start = D(2026, 1, 1)
    if not CouncilRule.objects.filter(authority=authority).exists():
        CouncilRule.objects.create(
            authority=authority,
            effective_from=start,
            # 66.66 rather than 66.67 so that exactly two thirds (e.g. 6 of 9) meets the quorum.
            quorum_percent=Decimal("66.66"),
            award_quorum_percent=Decimal("80"),
        )
        created["rules"] += 1
    steps_present = set(SlaRule.objects.filter(authority=authority).values_list("step", flat=True))
    for step, days in SLA_DAYS.items():
        if step not in steps_present:
            SlaRule.objects.create(authority=authority, step=step, effective_from=start, working_days=days)
            created["rules"] += 1
    if not BaseSalary.objects.exists():
        for amount, start_on, end_on, ref in BASE_SALARIES:
            BaseSalary.objects.create(
                amount=amount, effective_from=start_on, effective_to=end_on, legal_reference=ref
            )
            created["rules"] += 1
    if not LegalBasis.objects.filter(authority=authority).exists():
        for order, (citation, start_on, end_on) in enumerate(LEGAL_BASES):
            LegalBasis.objects.create(
                authority=authority,
                citation=citation,
                effective_from=start_on,
                effective_to=end_on,
                order=order,
            )
            created["rules"] += 1
    years_present = {day.year for day in PublicHoliday.objects.values_list("date", flat=True)}
    for day, name, working in holidays_rows(range(2026, 2032)):
        if day.year in years_present:
            continue
        # get_or_create: a make-up day can fall in the year after its holiday.
        _holiday, new = PublicHoliday.objects.get_or_create(
            date=day, defaults={"name": name, "is_working_day": working}
        )
        created["holidays"] += new
    return created
