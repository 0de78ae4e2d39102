"""The notification outbox: rows written in the acting transaction, numbered per recipient."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecipientCursor(models.Model):
    """The last sequence number handed out to one recipient; locked to number the next row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_seq = models.PositiveBigIntegerField(default=0)
    email_digest = models.BooleanField(_("daily e-mail digest"), default=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.last_seq}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=50)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["recipient", "seq"]
        constraints = [models.UniqueConstraint(fields=["recipient", "seq"], name="notification_seq_unique")]
        indexes = [models.Index(fields=["recipient", "read_at", "seq"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
