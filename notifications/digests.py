"""The daily e-mail digest: one message per user with unread items not yet e-mailed."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import Notification, RecipientCursor

MAX_ITEMS_PER_DIGEST = 100


def _pending(user_id: int):
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True, emailed_at__isnull=True)


def send_digests(*, base_url: str = "") -> int:
    """Returns the number of e-mails sent. A user who opted out (RecipientCursor.email_digest) or has no
    e-mail address gets nothing and their items stay un-e-mailed."""
    opted_out = RecipientCursor.objects.filter(user_id=OuterRef("pk"), email_digest=False)
    pending = Notification.objects.filter(
        recipient_id=OuterRef("pk"), read_at__isnull=True, emailed_at__isnull=True
    )
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Exists(pending))
        .exclude(Exists(opted_out))
        .order_by("pk")
    )
    sent = 0
    for user in users.iterator():
        with transaction.atomic():
            # Locked rows are being e-mailed by a concurrent run; skipping them avoids a double send.
            rows = list(
                _pending(user.pk).select_for_update(skip_locked=True).order_by("seq")[:MAX_ITEMS_PER_DIGEST]
            )
            if not rows:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                # No plural forms: Vietnamese has none, and the translation parts are plain pairs.
                subject = gettext("Unread notifications: %(count)d") % {"count": len(rows)}
                body = render_to_string(
                    "notifications/digest_email.txt", {"user": user, "items": rows, "base_url": base_url}
                )
            EmailMessage(subject=subject, body=body, to=[user.email]).send()
            Notification.objects.filter(pk__in=[r.pk for r in rows]).update(emailed_at=timezone.now())
            sent += 1
    return sent
