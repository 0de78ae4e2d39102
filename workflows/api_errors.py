"""The one error shape of every /api/v1/ route: a machine-readable code, a message in the caller's
language and details (e.g. the field at fault). Shared by the dossier, council and document routers."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


ERRORS: dict[int, type[Schema]] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}
