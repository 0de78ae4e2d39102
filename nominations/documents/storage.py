"""Generated documents live under PRIVATE_STORAGE_ROOT/documents, outside any web root."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings

FOLDER = "documents"


def _root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / FOLDER


def _path(storage_name: str) -> Path:
    root = _root().resolve()
    path = (root / storage_name).resolve()
    if root not in path.parents:
        raise ValueError("storage name escapes the documents folder")
    return path


def save_document(data: bytes, *, suffix: str) -> str:
    """Write once under a fresh random name (never overwritten) and return the storage name."""
    name = f"{uuid.uuid4().hex}{suffix}"
    path = _path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return name


def read_document(storage_name: str) -> bytes:
    return _path(storage_name).read_bytes()
