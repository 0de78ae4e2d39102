"""Signed checkpoints over every chain head of the audit ledger.

The Ed25519 key lives outside the database, in settings.KEYS_DIR, created on first use with 0600
permissions. Whoever rewrites the database cannot produce a valid checkpoint over the rewritten
chains, and a checkpoint pins each chain's head, so a truncated or rehashed chain no longer matches.
The key id is a prefix of the SHA-256 of the raw public key, so a verifier can tell which key signed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from .canonical import GENESIS, canonical_bytes, sha256_hex
from .models import ChainHead, Checkpoint

PRIVATE_KEY_NAME = "ledger-checkpoint-ed25519.pem"
PUBLIC_KEY_NAME = "ledger-checkpoint-ed25519.pub.pem"


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256_hex(raw)[:16]


def _keys_dir() -> Path:
    return Path(settings.KEYS_DIR)


def public_key_path() -> Path:
    return _keys_dir() / PUBLIC_KEY_NAME


def signing_key() -> Ed25519PrivateKey:
    """The checkpoint key, generated on first use (0600, directory 0700)."""
    directory = _keys_dir()
    private_path = directory / PRIVATE_KEY_NAME
    if not private_path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            # O_EXCL: two processes starting at once must not overwrite each other's key.
            fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
    loaded = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise TypeError(f"{private_path} is not an Ed25519 private key")
    key = loaded
    public_path = public_key_path()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if not public_path.exists() or public_path.read_bytes() != public_pem:
        public_path.write_bytes(public_pem)
    return key


def current_heads() -> dict[str, list[Any]]:
    """{chain: [seq, hash]} read in one statement, so it is one consistent moment."""
    return {
        chain: [seq, digest] for chain, seq, digest in ChainHead.objects.values_list("chain", "seq", "hash")
    }


def checkpoint_create() -> Checkpoint:
    """Sign the current chain heads now (on demand, and from the scheduled command)."""
    key = signing_key()
    key_id = key_id_of(key.public_key())
    for _attempt in range(5):
        heads = current_heads()
        last = Checkpoint.objects.order_by("-id").first()
        prev = last.hash if last is not None else GENESIS
        created_at = timezone.now()
        body = {
            "type": "thidua-ledger-checkpoint/1",
            "created_at": created_at.isoformat(),
            "key_id": key_id,
            "prev": prev,
            "heads": heads,
        }
        raw = canonical_bytes(body)
        try:
            with transaction.atomic():
                return Checkpoint.objects.create(
                    created_at=created_at,
                    key_id=key_id,
                    chains=len(heads),
                    events=ChainHead.objects.aggregate(n=Sum("seq"))["n"] or 0,
                    prev_hash=prev,
                    hash=sha256_hex(raw),
                    body=raw.decode("utf-8"),
                    signature=key.sign(raw).hex(),
                )
        except IntegrityError:
            continue  # another checkpoint was signed at the same moment; chain after it
    raise RuntimeError("could not append a checkpoint after 5 attempts")


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-id").first()
