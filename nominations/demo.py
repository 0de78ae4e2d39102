"""Demo data for `make run`: realistic units of Vĩnh Thông, one user per role, a few nominees."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import Authority, CriteriaGroup, Gender, Nominee, NomineeKind, Role, RoleAssignment, Unit

DEMO_PASSWORD = "thidua2026"  # noqa: S105 - printed on screen for the demo; never used in production

# code, name, kind, criteria group number
UNITS = [
    ("phong-vhxh", "Phòng Văn hóa – Xã hội", "office", 1, True),
    ("van-phong-hdnd-ubnd", "Văn phòng HĐND và UBND xã", "office", 1, False),
    ("phong-kinh-te", "Phòng Kinh tế", "office", 1, False),
    ("thon-dong-hy", "Thôn Đồng Hỷ", "village", 1, False),
    ("thon-na-ri", "Thôn Nà Rì", "village", 1, False),
    ("thon-ban-chang", "Thôn Bản Chang", "village", 1, False),
    ("truong-thcs", "Trường THCS Vĩnh Thông", "school", 1, False),
    ("tram-y-te", "Trạm Y tế xã Vĩnh Thông", "health", 1, False),
    ("trung-tam-phvhc", "Trung tâm Phục vụ hành chính công xã", "service_centre", 1, False),
    ("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam xã", "mass_org", 2, False),
    ("doan-thanh-nien", "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã", "mass_org", 2, False),
    ("hoi-phu-nu", "Hội Liên hiệp Phụ nữ xã", "mass_org", 2, False),
    ("cty-so-thai-nguyen", "Công ty TNHH Công nghệ số Thái Nguyên", "enterprise", 3, False),
    ("htx-che-vinh-thong", "Hợp tác xã Chè Vĩnh Thông", "cooperative", 3, False),
]

# username, full name, role, unit code, title
USERS = [
    ("donvi", "Nguyễn Thị Hoa", Role.PROPOSER, "thon-dong-hy", "Trưởng thôn Đồng Hỷ"),
    ("donvi2", "Hoàng Văn Nam", Role.PROPOSER, "truong-thcs", "Phó Hiệu trưởng"),
    ("chuyenvien", "Lê Thị Thu", Role.REVIEWER, "phong-vhxh", "Chuyên viên Phòng Văn hóa – Xã hội"),
    ("truongphong", "Trần Văn Bình", Role.OFFICE_HEAD, "phong-vhxh", "Trưởng phòng Văn hóa – Xã hội"),
    ("thuky", "Phạm Thị Lan", Role.SECRETARY, "phong-vhxh", "Thư ký Hội đồng"),
    ("chutich", "Nguyễn Quốc Hội", Role.CHAIR, "van-phong-hdnd-ubnd", "Chủ tịch UBND xã"),
    ("vanthu", "Đỗ Thị Mai", Role.CLERK, "van-phong-hdnd-ubnd", "Văn thư"),
    ("kiemtra", "Vũ Minh Đức", Role.AUDITOR, None, "Kiểm tra viên"),
    ("quantri", "Bùi Văn Long", Role.ADMIN, None, "Quản trị hệ thống"),
]
# Council members: username, name, home unit, title
COUNCIL = [
    ("hoidong1", "Nguyễn Quốc Hội", "van-phong-hdnd-ubnd", "Chủ tịch Hội đồng"),
    ("hoidong2", "Lương Văn Thành", "van-phong-hdnd-ubnd", "Phó Chủ tịch Hội đồng"),
    ("hoidong3", "Trần Văn Bình", "phong-vhxh", "Ủy viên"),
    ("hoidong4", "Ma Thị Hương", "mttq", "Ủy viên"),
    ("hoidong5", "Đinh Văn Quân", "phong-kinh-te", "Ủy viên"),
]
NOMINEES = [
    ("thon-dong-hy", NomineeKind.INDIVIDUAL, "Nguyễn Văn An", "Công an viên thôn", Gender.MALE, None),
    ("thon-dong-hy", NomineeKind.COLLECTIVE, "Thôn Đồng Hỷ", "", Gender.UNSPECIFIED, 52),
    ("thon-dong-hy", NomineeKind.HOUSEHOLD, "Hộ ông Lường Văn Sáng", "", Gender.UNSPECIFIED, None),
    ("truong-thcs", NomineeKind.INDIVIDUAL, "Hà Thị Ngọc", "Giáo viên Tin học", Gender.FEMALE, None),
    ("truong-thcs", NomineeKind.COLLECTIVE, "Tổ Khoa học tự nhiên", "", Gender.UNSPECIFIED, 75),
    ("tram-y-te", NomineeKind.INDIVIDUAL, "Đặng Thị Thúy", "Y sĩ", Gender.FEMALE, None),
    ("htx-che-vinh-thong", NomineeKind.COLLECTIVE, "Hợp tác xã Chè Vĩnh Thông", "", Gender.UNSPECIFIED, 40),
    ("trung-tam-phvhc", NomineeKind.INDIVIDUAL, "Triệu Văn Khánh", "Công chức một cửa", Gender.MALE, None),
]


@functools.cache
def demo_password_hash() -> str:
    """One hash of the demo password for every demo user.

    Hashing costs over a second per user (PBKDF2); the demo accounts share a published password
    anyway, so sharing one salt loses nothing and makes `make run` and every test that seeds the
    demo fast.
    """
    return make_password(DEMO_PASSWORD)


@transaction.atomic
def seed_demo(authority_code: str = "vinh-thong") -> dict[str, int]:
    authority = Authority.objects.get(code=authority_code)
    movement = authority.movements.order_by("starts_on").first()
    groups = {g.number: g for g in CriteriaGroup.objects.filter(movement=movement)}
    units = {}
    for code, name, kind, group, reviewing in UNITS:
        units[code], _ = Unit.objects.get_or_create(
            authority=authority,
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "criteria_group": groups.get(group),
                "is_reviewing_office": reviewing,
            },
        )
    User = get_user_model()
    made = 0

    def user(username: str, full_name: str) -> Any:
        nonlocal made
        first, _, last = full_name.rpartition(" ")
        u, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": last, "last_name": first, "email": f"{username}@vinhthong.local"},
        )
        if created:
            u.password = demo_password_hash()
            u.save()
            made += 1
        return u

    for username, name, role, unit_code, title in USERS:
        u = user(username, name)
        if role == Role.ADMIN:
            User.objects.filter(pk=u.pk).update(is_staff=True, is_superuser=True)
        RoleAssignment.objects.get_or_create(
            user=u,
            authority=authority,
            role=role,
            defaults={"unit": units.get(unit_code) if unit_code else None, "title": title},
        )
    for username, name, unit_code, title in COUNCIL:
        u = user(username, name)
        RoleAssignment.objects.get_or_create(
            user=u,
            authority=authority,
            role=Role.COUNCIL_MEMBER,
            defaults={"unit": units[unit_code], "title": title},
        )
    for unit_code, kind, name, position, gender, women in NOMINEES:
        Nominee.objects.get_or_create(
            unit=units[unit_code],
            kind=kind,
            name=name,
            defaults={"position": position, "gender": gender, "women_percent": women},
        )
    return {"units": len(units), "users": made}


def demo_logins() -> list[tuple[str, str, str]]:
    rows = [(u, str(Role(r).label), t) for u, _n, r, _unit, t in USERS]
    rows += [(u, str(Role.COUNCIL_MEMBER.label), t) for u, _n, _unit, t in COUNCIL]
    return rows
