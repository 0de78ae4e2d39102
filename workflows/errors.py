"""The one error type actions raise: a machine-readable code and a message in the user's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

HTTP_STATUS = {
    "not_allowed": 403,
    "not_found": 404,
    "stale_version": 409,
    "conflict": 409,
    "invalid_transition": 409,
    "quota_full": 409,
    "validation_error": 422,
}


class ActionError(Exception):
    def __init__(self, code: str, message: Any, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.details = details or {}

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "details": self.details}


def not_found() -> ActionError:
    # Same answer whether the dossier does not exist or is outside the user's scope: no leak.
    return ActionError("not_found", _("Dossier not found."))


def not_allowed() -> ActionError:
    return ActionError("not_allowed", _("You are not allowed to do this."))
