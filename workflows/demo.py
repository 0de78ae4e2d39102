"""A handful of demo dossiers in different states, made through the real actions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from nominations.models import AwardType, ContentArea, Dossier, Nominee, Occasion

from . import actions

# nominee name, award type code, proposer, how far to take it
DEMO_DOSSIERS = [
    ("Nguyễn Văn An", "giay-khen-xa", "donvi", "submitted"),
    ("Thôn Đồng Hỷ", "bang-khen-tinh", "donvi", "received"),
    ("Hà Thị Ngọc", "giay-khen-xa", "donvi2", "on_agenda"),
    ("Tổ Khoa học tự nhiên", "giay-khen-xa", "donvi2", "draft"),
    ("Hộ ông Lường Văn Sáng", "giay-khen-xa", "donvi", "returned"),
]
SUMMARY = (
    "Chủ động ứng dụng công nghệ số trong công việc; hướng dẫn người dân sử dụng dịch vụ công trực tuyến "
    "và tham gia phong trào “Bình dân học AI”."
)


def seed_demo_dossiers() -> int:
    """Idempotent: does nothing once any demo dossier exists. Returns how many were made."""
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["donvi", "donvi2", "chuyenvien"])
    }
    if len(users) < 3 or Dossier.objects.filter(created_by__in=users.values()).exists():
        return 0
    today = timezone.localdate()
    occasion = (
        Occasion.objects.filter(kind="annual", window_opens__lte=today, window_closes__gte=today).first()
        or Occasion.objects.filter(kind="annual", window_opens__gt=today).order_by("window_opens").first()
        or Occasion.objects.filter(kind="annual").order_by("-year").first()
    )
    if occasion is None:
        return 0
    window_open = occasion.window_is_open(today)
    areas = list(ContentArea.objects.filter(movement=occasion.movement).order_by("number")[:2])
    reviewer = users["chuyenvien"]
    made = 0
    for name, award_code, proposer_name, goal in DEMO_DOSSIERS:
        nominee = Nominee.objects.filter(name=name).first()
        award = AwardType.objects.filter(code=award_code, authority=occasion.movement.authority).first()
        if nominee is None or award is None:
            continue
        proposer = users[proposer_name]
        d = actions.dossier_create(
            actor=proposer,
            unit_id=nominee.unit_id,
            occasion_id=occasion.pk,
            award_type_id=award.pk,
            nominee_id=nominee.pk,
            achievement_summary=SUMMARY,
            content_area_ids=[a.pk for a in areas],
        )
        made += 1
        if goal == "draft" or not window_open:
            continue
        d = actions.dossier_submit(actor=proposer, dossier_id=d.pk, expected_version=d.version)
        if goal == "returned":
            actions.dossier_return(
                actor=reviewer,
                dossier_id=d.pk,
                expected_version=d.version,
                reason="Bổ sung báo cáo thành tích có xác nhận của trưởng thôn.",
            )
            continue
        if goal == "submitted":
            continue
        d = actions.dossier_receive(actor=reviewer, dossier_id=d.pk, expected_version=d.version)
        if goal == "received":
            continue
        d = actions.dossier_appraise(actor=reviewer, dossier_id=d.pk, expected_version=d.version)
        actions.dossier_put_on_agenda(actor=reviewer, dossier_id=d.pk, expected_version=d.version)
    return made
