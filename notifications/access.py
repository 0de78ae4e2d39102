"""Who may hold a notification socket, and the signals that close sockets when that changes.

Signals are used here on purpose: they only trigger delivery (closing sockets), never business logic.
The role model is looked up by name so this app keeps knowing users, not dossiers.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .services import push_revoke

# "app_label.Model" with a `user` foreign key and an `active` flag; a user needs one active row
# (or to be a superuser) to receive live notifications.
ROLE_MODEL = getattr(settings, "NOTIFICATIONS_ROLE_MODEL", "nominations.RoleAssignment")


def _role_model() -> Any:
    try:
        return apps.get_model(ROLE_MODEL)
    except (LookupError, ValueError):
        return None


def may_receive(*, user_id: int) -> bool:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).only("is_superuser").first()
    if user is None:
        return False
    if user.is_superuser:
        return True
    role_model = _role_model()
    return role_model is None or role_model.objects.filter(user_id=user_id, active=True).exists()


def _revoke_after_commit(user_id: int) -> None:
    transaction.on_commit(lambda: push_revoke(user_id=user_id), robust=True)


def _user_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk and not instance.is_active:
        _revoke_after_commit(instance.pk)


def _role_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.user_id:
        _revoke_after_commit(instance.user_id)


def connect_signals() -> None:
    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="notify_user_saved")
    if _role_model() is not None:
        post_save.connect(_role_changed, sender=ROLE_MODEL, dispatch_uid="notify_role_saved")
        post_delete.connect(_role_changed, sender=ROLE_MODEL, dispatch_uid="notify_role_deleted")
