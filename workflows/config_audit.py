"""Configuration changes and sign-in failures go to the ledger's system chain.

The admin is where administrators change quotas, thresholds, deadlines, salaries, legal bases, units
and users' roles. Rather than asking every ModelAdmin to remember, `audit_admin_site()` wraps each
registered admin of our domain models and of auth so that every save and delete appends an event
(before/after of the changed fields) in the same transaction as the change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.forms.models import model_to_dict

from .ledger import ledger_append

AUDITED_APPS = frozenset({"nominations", "auth", "otp_totp"})
SECRET_FIELDS = frozenset({"password", "key", "secret"})


def _snapshot(obj: Any) -> dict[str, Any]:
    if obj is None or obj.pk is None:
        return {}
    data = model_to_dict(obj)
    return {k: ("***" if k in SECRET_FIELDS else _plain(v)) for k, v in data.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return sorted(str(getattr(v, "pk", v)) for v in value)
    if hasattr(value, "pk"):
        return value.pk
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


class LedgerAuditMixin:
    """Mixed into each registered ModelAdmin of the audited apps."""

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        model = type(obj)
        before = _snapshot(model._default_manager.filter(pk=obj.pk).first()) if change and obj.pk else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            after = _snapshot(obj)
            changed = {
                k: {"before": before.get(k), "after": v} for k, v in after.items() if before.get(k) != v
            }
            ledger_append(
                actor=request.user,
                action="config_change" if change else "config_create",
                payload={
                    "model": model._meta.label,
                    "object_id": obj.pk,
                    "object": str(obj),
                    "changes": changed,
                },
            )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            payload = {
                "model": type(obj)._meta.label,
                "object_id": obj.pk,
                "object": str(obj),
                "before": _snapshot(obj),
            }
            super().delete_model(request, obj)  # type: ignore[misc]
            ledger_append(actor=request.user, action="config_delete", payload=payload)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            rows = [{"object_id": o.pk, "object": str(o), "before": _snapshot(o)} for o in queryset]
            label = queryset.model._meta.label
            super().delete_queryset(request, queryset)  # type: ignore[misc]
            for row in rows:
                ledger_append(actor=request.user, action="config_delete", payload={"model": label, **row})


def audit_admin_site(site: admin.AdminSite = admin.site) -> None:
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label not in AUDITED_APPS or isinstance(model_admin, LedgerAuditMixin):
            continue
        audited = type(f"Audited{type(model_admin).__name__}", (LedgerAuditMixin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, audited)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    with transaction.atomic():
        ledger_append(
            actor=None,
            action="login_failed",
            payload={"username": str(credentials.get("username", ""))[:150], "ip": ip},
        )


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        ledger_append(
            actor=user, action="login", payload={"ip": request.META.get("REMOTE_ADDR", "") if request else ""}
        )


def connect() -> None:
    audit_admin_site()
    user_login_failed.connect(_login_failed, dispatch_uid="thidua-login-failed")
    user_logged_in.connect(_logged_in, dispatch_uid="thidua-logged-in")
