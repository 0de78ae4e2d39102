"""Ed25519 signatures over the exact bytes of a document.

Each signer has a key pair under settings.KEYS_DIR/signers/<user id>/: the private key in PKCS#8 PEM,
written 0600 and encrypted when THIDUA_SIGNING_PASSPHRASE is set; the public key is also registered in
the database (SigningKey), because a signature only means something against a key we issued. The key id
is the first 16 bytes (hex) of the SHA-256 of the raw public key.

A detached signature file (JSON) travels with the PDF: it names the document, its SHA-256, the signer,
the time, the key id, the public key and the signature, so the pair can be checked anywhere.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _

SIGNATURE_FORMAT = "thidua-detached-signature/1"
PASSPHRASE_ENV = "THIDUA_SIGNING_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret


class SigningError(RuntimeError):
    pass


@dataclass(frozen=True)
class SignedBytes:
    sha256: str
    signature: str  # base64
    public_key: str  # base64 of the 32 raw bytes
    key_id: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_id_for(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:32]


def _key_dir(user_id: int) -> Path:
    return Path(settings.KEYS_DIR) / "signers" / str(int(user_id))


def _passphrase() -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV, "")
    return value.encode("utf-8") if value else None


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    # O_EXCL: an existing key is never overwritten; 0600 from creation, not chmod'ed afterwards.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _load_private(user_id: int) -> Ed25519PrivateKey | None:
    path = _key_dir(user_id) / "ed25519.pem"
    if not path.exists():
        return None
    if path.stat().st_mode & 0o077:
        raise SigningError(_("The signing key file is readable by others; it must be mode 0600."))
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=_passphrase())
    except (TypeError, ValueError) as exc:
        raise SigningError(_("The signing key cannot be opened (wrong or missing passphrase).")) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(_("The signing key is not an Ed25519 key."))
    return key


def _public_raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def ensure_signer_key(user: Any) -> tuple[str, str]:
    """The signer's (key id, base64 public key), creating the key pair on first use."""
    from .models import SigningKey

    key = _load_private(user.pk)
    if key is None:
        key = Ed25519PrivateKey.generate()
        passphrase = _passphrase()
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
        )
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        _write_private(_key_dir(user.pk) / "ed25519.pem", pem)
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        (_key_dir(user.pk) / "ed25519.pub.pem").write_bytes(public_pem)
    raw = _public_raw(key)
    key_id = key_id_for(raw)
    SigningKey.objects.get_or_create(key_id=key_id, defaults={"user": user, "public_key": _b64(raw)})
    return key_id, _b64(raw)


def sign_bytes(*, user: Any, data: bytes) -> SignedBytes:
    """Sign the exact bytes with the user's private key (Ed25519 over the whole message)."""
    key_id, public_b64 = ensure_signer_key(user)
    key = _load_private(user.pk)
    if key is None:  # pragma: no cover - ensure_signer_key just wrote it
        raise SigningError(_("The signing key is missing."))
    return SignedBytes(
        sha256=sha256_hex(data), signature=_b64(key.sign(data)), public_key=public_b64, key_id=key_id
    )


def verify_bytes(*, data: bytes, signature: str, public_key: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public_key)).verify(_unb64(signature), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# --- Detached signature file ----------------------------------------------------------------------


def detached_signature(
    *,
    signed: SignedBytes,
    document: str,
    signer_name: str,
    signer_title: str,
    signed_at: dt.datetime,
    file_name: str = "",
) -> bytes:
    body = {
        "format": SIGNATURE_FORMAT,
        "algorithm": "Ed25519",
        "document": document,
        "file_name": file_name,
        "sha256": signed.sha256,
        "signer": signer_name,
        "signer_title": signer_title,
        "signed_at": signed_at.isoformat(),
        "key_id": signed.key_id,
        "public_key": signed.public_key,
        "signature": signed.signature,
    }
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def parse_detached(data: bytes) -> dict[str, Any]:
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SigningError(_("This is not a signature file.")) from exc
    if not isinstance(body, dict) or body.get("format") != SIGNATURE_FORMAT:
        raise SigningError(_("This is not a signature file."))
    for key in ("sha256", "signature", "public_key", "key_id"):
        if not isinstance(body.get(key), str):
            raise SigningError(_("The signature file is incomplete."))
    return body


# --- Verification (the page and `manage.py verify_document`) ------------------------------------


@dataclass
class Verification:
    valid: bool
    message: str
    sha256: str
    decision_id: int | None = None
    reference: str = ""
    kind: str = ""
    status: str = ""
    signer_name: str = ""
    signer_title: str = ""
    signed_at: dt.datetime | None = None
    key_id: str = ""
    revoked_by: str = ""
    details: list[str] = field(default_factory=list)


def _from_decision(decision: Any, data: bytes, sha: str) -> Verification:
    ok = (
        decision.sha256 == sha
        and decision.key_id
        and verify_bytes(data=data, signature=decision.signature, public_key=decision.public_key)
        and _key_is_registered(decision.key_id, decision.public_key)
    )
    revoked_by = ""
    if decision.status == "revoked":
        later = decision.revocations.filter(status__in=["signed", "issued"]).first()
        revoked_by = later.reference if later else ""
    return Verification(
        valid=bool(ok),
        message=(
            _("This is a signed document: its bytes are exactly those that were signed.")
            if ok
            else _("The signature does not match this file.")
        ),
        sha256=sha,
        decision_id=decision.pk,
        reference=decision.reference,
        kind=decision.get_kind_display(),
        status=decision.get_status_display(),
        signer_name=decision.signer_name,
        signer_title=decision.get_signer_title_display(),
        signed_at=decision.signed_at,
        key_id=decision.key_id,
        revoked_by=revoked_by,
    )


def _key_is_registered(key_id: str, public_key: str) -> bool:
    from .models import SigningKey

    return SigningKey.objects.filter(key_id=key_id, public_key=public_key).exists()


def verify_document(*, data: bytes, signature_file: bytes | None = None) -> Verification:
    """Is `data` a document signed in this system, by whom and when? Any changed byte fails.

    The file's SHA-256 is looked up among signed decisions and the stored signature is checked against
    the stored, registered public key. With a detached signature file, the file's claims are checked too,
    so a changed PDF is reported as changed (not merely unknown).
    """
    from .models import FROZEN_DECISION_STATES, Decision

    sha = sha256_hex(data)
    decision = (
        Decision.objects.filter(sha256=sha, status__in=list(FROZEN_DECISION_STATES)).order_by("id").first()
    )
    if signature_file is None:
        if decision is not None:
            return _from_decision(decision, data, sha)
        return Verification(
            valid=False,
            message=_(
                "No signed document has these exact bytes: either it was not signed here or it has been "
                "changed."
            ),
            sha256=sha,
        )
    try:
        claim = parse_detached(signature_file)
    except SigningError as exc:
        return Verification(valid=False, message=str(exc), sha256=sha)
    details: list[str] = []
    if claim["sha256"] != sha:
        details.append(
            _("The file's SHA-256 differs from the one in the signature file: the file was changed.")
        )
    if not verify_bytes(data=data, signature=claim["signature"], public_key=claim["public_key"]):
        details.append(_("The Ed25519 signature does not verify over this file."))
    if not _key_is_registered(claim["key_id"], claim["public_key"]):
        details.append(_("The signing key is not one registered in this system."))
    signed = decision or (
        Decision.objects.filter(sha256=claim["sha256"], status__in=list(FROZEN_DECISION_STATES))
        .order_by("id")
        .first()
    )
    if signed is not None and signed.signature != claim["signature"]:
        details.append(_("The signature file does not belong to the recorded decision."))
    if details:
        result = Verification(
            valid=False,
            message=_("Verification failed."),
            sha256=sha,
            details=details,
            key_id=claim["key_id"],
        )
        if signed is not None:
            result.reference = signed.reference
            result.decision_id = signed.pk
        return result
    if signed is not None:
        return _from_decision(signed, data, sha)
    # Valid signature by a registered key, but no decision row (e.g. a copy of another installation's DB).
    return Verification(
        valid=True,
        message=_("The signature is valid, but no decision with this file is recorded here."),
        sha256=sha,
        signer_name=str(claim.get("signer", "")),
        signer_title=str(claim.get("signer_title", "")),
        key_id=claim["key_id"],
    )
