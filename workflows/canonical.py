"""Canonical JSON (RFC 8785 style) shared by the ledger and the Django-free verifier.

Keys sorted, no insignificant whitespace, UTF-8, no floats (amounts are integers, decimals are
strings), so the same event always has the same bytes and hash. Imports nothing from Django.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


def plain(value: Any) -> Any:
    """The JSON-only form of a value, as it is hashed (sets sorted, decimals and dates as strings)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        raise TypeError("floats are not allowed in ledger payloads; use integers or strings")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def canonical_bytes(value: Any) -> bytes:
    return json.dumps(plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
