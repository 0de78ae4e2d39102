"""The revision loop: what the office asked to fix, and what changed since the office last looked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, DossierVersion

FIELD_LABELS = {
    "achievement_summary": _("Achievement summary"),
    "criteria_group": _("Criteria group"),
    "content_areas": _("Content areas"),
    "attachments": _("Attachments"),
}


@dataclass
class Diff:
    since_version: int
    fields: list[dict[str, Any]] = field(default_factory=list)
    files_added: list[dict[str, Any]] = field(default_factory=list)
    files_removed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.files_added or self.files_removed)


def last_return(dossier: Any) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(dossier_id=dossier.pk, action="return_for_supplement")
        .order_by("-id")
        .first()
    )


def return_notes(dossier: Any) -> dict[str, Any] | None:
    """The reason and per-field notes of the latest return, for the unit to see what to fix."""
    event = last_return(dossier)
    if event is None:
        return None
    notes = event.payload.get("field_notes") or {}
    return {
        "reason": event.payload.get("reason", ""),
        "at": event.at,
        "by": event.actor_name,
        "fields": [{"field": k, "label": FIELD_LABELS.get(k, k), "note": v} for k, v in notes.items()],
    }


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def compare(old: dict[str, Any], new: dict[str, Any], *, since_version: int) -> Diff:
    diff = Diff(since_version=since_version)
    for key in ("achievement_summary", "criteria_group", "content_areas"):
        if old.get(key) != new.get(key):
            diff.fields.append(
                {"field": key, "label": FIELD_LABELS[key], "before": old.get(key), "after": new.get(key)}
            )
    old_files = {a["sha256"] + str(a["id"]): a for a in old.get("attachments", [])}
    new_files = {a["sha256"] + str(a["id"]): a for a in new.get("attachments", [])}
    diff.files_added = [a for k, a in new_files.items() if k not in old_files]
    diff.files_removed = [a for k, a in old_files.items() if k not in new_files]
    return diff


def changes_since_last_review(dossier: Any) -> Diff | None:
    """Fields and files changed between the version the office returned and the current one."""
    event = last_return(dossier)
    if event is None:
        return None
    returned = (
        DossierVersion.objects.filter(dossier=dossier, action="return_for_supplement")
        .order_by("-version")
        .first()
    )
    current = DossierVersion.objects.filter(dossier=dossier).order_by("-version").first()
    if returned is None or current is None or current.version == returned.version:
        return None
    return compare(returned.data, current.data, since_version=returned.version)
