"""Attachments: type checked by content, size-limited, bomb-proof, stored outside any web root.

A file's type is decided by its bytes (magic numbers; for Office files, the package's own
`[Content_Types].xml`), never by the name or the browser's Content-Type header. The name a user gave is
kept only as a sanitised label; the file on disk gets a random name under PRIVATE_STORAGE_ROOT, so no
upload can ever be served by a static/media server or overwrite another file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

CHUNK = 64 * 1024

# Office packages are zip files; these bound what unpacking them could cost, whatever they claim.
ZIP_MAX_ENTRIES = 2_000
ZIP_MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100  # uncompressed / compressed, per entry and overall

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", "application/pdf", (".pdf",))
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
JPEG = FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileType("png", "image/png", (".png",))
ALLOWED_TYPES = (PDF, DOCX, XLSX, JPEG, PNG)
ACCEPT_ATTRIBUTE = ",".join(ext for t in ALLOWED_TYPES for ext in t.extensions)


class AttachmentRejected(Exception):
    """The upload is refused; `message` is shown to the user as it is (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    storage_name: str
    content_type: str
    size: int
    sha256: str
    file_type: str


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def attachments_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "attachments"


def storage_path(storage_name: str) -> Path:
    """The absolute path of a stored file; refuses anything that would leave the attachments root."""
    root = attachments_root().resolve()
    path = (root / storage_name).resolve()
    if root not in path.parents:
        raise AttachmentRejected(_("Invalid file reference."))
    return path


# --- Names ----------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w\-. ()]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def sanitise_name(name: str, *, extension: str | None = None, max_length: int = 150) -> str:
    """A display/download name with no path, no control or shell characters, and the right extension.

    Vietnamese letters are kept (NFC), so "Báo cáo thành tích.pdf" stays readable.
    """
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base)
    base = _SPACES.sub(" ", base).strip(" ._")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = "." + ext.lower() if ext else ""
    if extension is not None:
        ext = extension
    stem = stem.strip(" ._") or "tep-dinh-kem"
    stem = stem[: max(1, max_length - len(ext))].rstrip(" .")
    return f"{stem}{ext}"


def _extension_of(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    _stem, dot, ext = base.rpartition(".")
    return f".{ext.lower()}" if dot else ""


# --- Content sniffing -----------------------------------------------------------------------------


def _check_zip_package(fh: IO[bytes], compressed_size: int) -> FileType:
    """An Office Open XML package that is neither a bomb nor a macro carrier, DOCX or XLSX."""
    try:
        with zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
            if len(infos) > ZIP_MAX_ENTRIES:
                raise AttachmentRejected(_("The file contains too many parts and was refused."))
            total = 0
            names = set()
            for info in infos:
                if info.filename.startswith(("/", "\\")) or ".." in info.filename.split("/"):
                    raise AttachmentRejected(_("The file is damaged or not an allowed type."))
                if info.flag_bits & 0x1:
                    raise AttachmentRejected(_("Encrypted files cannot be accepted."))
                total += info.file_size
                expands = info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1)
                if expands and info.file_size > 1024 * 1024:
                    raise AttachmentRejected(
                        _("The file expands to far more than its size (a compression bomb) and was refused.")
                    )
                names.add(info.filename)
            if total > ZIP_MAX_TOTAL_UNCOMPRESSED or (
                total > 1024 * 1024 and total > ZIP_MAX_RATIO * max(compressed_size, 1)
            ):
                raise AttachmentRejected(
                    _("The file expands to far more than its size (a compression bomb) and was refused.")
                )
            if "[Content_Types].xml" not in names:
                raise AttachmentRejected(_("The file is damaged or not an allowed type."))
            ct_info = zf.getinfo("[Content_Types].xml")
            if ct_info.file_size > 1024 * 1024:
                raise AttachmentRejected(_("The file is damaged or not an allowed type."))
            content_types = zf.read(ct_info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError):
        raise AttachmentRejected(_("The file is damaged or not an allowed type.")) from None
    if "macroEnabled" in content_types or "vbaProject" in content_types:
        raise AttachmentRejected(_("Files with macros cannot be accepted."))
    if _DOCX_MAIN in content_types and "word/document.xml" in names:
        return DOCX
    if _XLSX_MAIN in content_types and "xl/workbook.xml" in names:
        return XLSX
    raise AttachmentRejected(_("The file is damaged or not an allowed type."))


def sniff(fh: IO[bytes], size: int) -> FileType:
    """The type of a file by its content. `fh` must be seekable; its position is restored to 0."""
    fh.seek(0)
    head = fh.read(16)
    fh.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _check_zip_package(fh, size)
    finally:
        fh.seek(0)
    raise AttachmentRejected(
        _("Only PDF, Word (DOCX), Excel (XLSX), JPEG and PNG files are accepted; this file is none of these.")
    )


def validate_upload(upload: Any) -> tuple[FileType, str, int]:
    """(type, sanitised name, size) of a Django UploadedFile, or AttachmentRejected with the reason."""
    size = int(getattr(upload, "size", 0) or 0)
    limit = max_bytes()
    if size <= 0:
        raise AttachmentRejected(_("The file is empty."))
    if size > limit:
        raise AttachmentRejected(
            _("The file is larger than the limit of %(limit)s MB.") % {"limit": _megabytes(limit)}
        )
    file_type = sniff(upload, size)
    declared = _extension_of(getattr(upload, "name", ""))
    if declared not in file_type.extensions:
        raise AttachmentRejected(
            _("The file name ends in “%(ext)s” but the content is a %(kind)s file; rename it and try again.")
            % {"ext": declared or "—", "kind": file_type.key.upper()}
        )
    name = sanitise_name(getattr(upload, "name", ""), extension=declared)
    return file_type, name, size


def _megabytes(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")


def _chunks(upload: Any) -> Iterable[bytes]:
    upload.seek(0)
    if hasattr(upload, "chunks"):
        yield from upload.chunks(CHUNK)
        return
    while True:
        block = upload.read(CHUNK)
        if not block:
            return
        yield block


def store_upload(upload: Any) -> StoredFile:
    """Validate, then write under a random name while hashing. The caller records the row and, if its
    transaction fails, calls `discard(storage_name)`."""
    file_type, name, declared_size = validate_upload(upload)
    digest = hashlib.sha256()
    storage_name = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{file_type.extensions[0]}"
    target = storage_path(storage_name)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    tmp = target.with_suffix(target.suffix + ".part")
    written = 0
    try:
        with open(tmp, "xb") as out:
            for block in _chunks(upload):
                written += len(block)
                if written > max_bytes():
                    raise AttachmentRejected(
                        _("The file is larger than the limit of %(limit)s MB.")
                        % {"limit": _megabytes(max_bytes())}
                    )
                digest.update(block)
                out.write(block)
        os.chmod(tmp, 0o640)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return StoredFile(
        original_name=name,
        storage_name=storage_name,
        content_type=file_type.content_type,
        size=written or declared_size,
        sha256=digest.hexdigest(),
        file_type=file_type.key,
    )


def discard(storage_name: str) -> None:
    with contextlib.suppress(AttachmentRejected):
        storage_path(storage_name).unlink(missing_ok=True)


# --- actions: add and remove a file on a draft or returned dossier -------------------------------

EDITABLE_STATES = ("draft", "returned")


def _locked_for_edit(*, actor: Any, dossier_id: int, expected_version: int) -> Any:
    from nominations.models import Dossier

    from .actions.dossier import _check_version
    from .errors import ActionError, not_allowed, not_found
    from .permissions import may_act
    from .selectors import dossier_scope

    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("occasion", "award_type", "unit", "nominee")
        .filter(dossier_scope(actor), pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise not_found()
    if not may_act(actor, "update", authority_id=dossier.authority_id, unit_id=dossier.unit_id):
        raise not_allowed()
    _check_version(dossier, expected_version)
    if dossier.status not in EDITABLE_STATES:
        raise ActionError("invalid_transition", _("Only a draft or a returned dossier can be edited."))
    return dossier


def attachment_add(*, actor: Any, dossier_id: int, expected_version: int, upload: Any, kind: str) -> Any:
    """Check the file, store it, record it on the dossier (new version, ledger event). A refused file
    raises AttachmentRejected before anything is written; a refused action removes the stored file."""
    from django.db import transaction

    from nominations.models import Attachment, AttachmentKind

    from .actions.dossier import content_hash
    from .errors import ActionError
    from .flows import after_dossier_change
    from .ledger import ledger_append

    if kind not in AttachmentKind.values:
        raise ActionError("validation_error", _("Unknown kind of document."))
    stored = store_upload(upload)
    try:
        with transaction.atomic():
            dossier = _locked_for_edit(actor=actor, dossier_id=dossier_id, expected_version=expected_version)
            seen = content_hash(dossier)
            dossier.version += 1
            attachment = Attachment.objects.create(
                dossier=dossier,
                kind=kind,
                original_name=stored.original_name,
                storage_name=stored.storage_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                dossier_version=dossier.version,
                uploaded_by=actor,
            )
            dossier.save(update_fields=["version", "updated_at"])
            ledger_append(
                actor=actor,
                action="attachment_add",
                dossier=dossier,
                from_state=str(dossier.status),
                to_state=str(dossier.status),
                payload={
                    "attachment": attachment.pk,
                    "name": stored.original_name,
                    "sha256": stored.sha256,
                    "size": stored.size,
                    "kind": kind,
                },
                seen_hash=seen,
            )
            after_dossier_change(actor=actor, dossier=dossier, action="attachment_add")
    except BaseException:
        discard(stored.storage_name)
        raise
    return attachment


def attachment_remove(*, actor: Any, dossier_id: int, expected_version: int, attachment_id: int) -> Any:
    """Take a file off the dossier from the next version on. The file itself is kept: earlier versions
    still show it."""
    from django.db import transaction

    from .actions.dossier import content_hash
    from .errors import ActionError
    from .flows import after_dossier_change
    from .ledger import ledger_append

    with transaction.atomic():
        dossier = _locked_for_edit(actor=actor, dossier_id=dossier_id, expected_version=expected_version)
        attachment = dossier.attachments.filter(pk=attachment_id, removed_in_version__isnull=True).first()
        if attachment is None:
            raise ActionError("not_found", _("File not found."))
        seen = content_hash(dossier)
        dossier.version += 1
        attachment.removed_in_version = dossier.version
        attachment.save(update_fields=["removed_in_version"])
        dossier.save(update_fields=["version", "updated_at"])
        ledger_append(
            actor=actor,
            action="attachment_remove",
            dossier=dossier,
            from_state=str(dossier.status),
            to_state=str(dossier.status),
            payload={
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "sha256": attachment.sha256,
            },
            seen_hash=seen,
        )
        after_dossier_change(actor=actor, dossier=dossier, action="attachment_remove")
    return attachment
