"""`manage.py send_digests`: one e-mail per user with unread, not yet e-mailed items; opt-out respected."""

from __future__ import annotations

from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from notifications.services import mark_read, notify, set_email_digest


def run() -> str:
    out = StringIO()
    call_command("send_digests", "--base-url=https://thidua.test", stdout=out)
    return out.getvalue()


def test_one_email_per_user_with_unread_items_then_nothing_twice(users):
    an, binh, chi = users["an"], users["binh"], users["chi"]
    notify(recipients=[an, binh], kind="k", title="Hồ sơ cần thẩm định", url="/dossiers/7/")
    notify(recipients=[an], kind="k", title="Hồ sơ bị trả lại", body="Thiếu minh chứng")
    notify(recipients=[chi], kind="k", title="đã đọc")
    mark_read(user_id=chi.pk, ids=Notification.objects.filter(recipient=chi).values_list("pk", flat=True))

    assert "2 digest(s) sent" in run()
    assert sorted(m.to[0] for m in mail.outbox) == ["an@x.vn", "binh@x.vn"]
    to_an = next(m for m in mail.outbox if m.to == ["an@x.vn"])
    assert "2" in to_an.subject
    assert "Hồ sơ cần thẩm định" in to_an.body
    assert "https://thidua.test/dossiers/7/" in to_an.body
    assert "Thiếu minh chứng" in to_an.body
    assert not Notification.objects.filter(recipient__in=[an, binh], emailed_at__isnull=True).exists()

    mail.outbox.clear()
    assert "0 digest(s) sent" in run()
    assert mail.outbox == []
    notify(recipients=[an], kind="k", title="mới")
    run()
    assert len(mail.outbox) == 1
    assert "mới" in mail.outbox[0].body
    assert "Hồ sơ cần thẩm định" not in mail.outbox[0].body


def test_opted_out_users_and_users_without_email_get_nothing(users):
    an, binh, chi = users["an"], users["binh"], users["chi"]
    set_email_digest(user_id=an.pk, enabled=False)
    chi.email = ""
    chi.save()
    notify(recipients=[an, binh, chi], kind="k", title="t")
    run()
    assert [m.to for m in mail.outbox] == [["binh@x.vn"]]
    assert Notification.objects.filter(recipient=an, emailed_at__isnull=True).exists()
    # Opting back in sends what is still unread.
    set_email_digest(user_id=an.pk, enabled=True)
    mail.outbox.clear()
    run()
    assert [m.to for m in mail.outbox] == [["an@x.vn"]]


def test_read_items_are_not_emailed(users):
    an = users["an"]
    notify(recipients=[an], kind="k", title="t")
    Notification.objects.update(read_at=timezone.now())
    run()
    assert mail.outbox == []
