"""Ed25519 over the exact PDF bytes: keys protected, any changed byte fails, the command and detached file."""

from __future__ import annotations

import json
import stat

import pytest
from django.core.management import call_command

from nominations import signing
from nominations.documents.storage import read_document
from workflows.actions import documents as docs

from .conftest import totp_now
from .test_decisions import AN, numbered

pytestmark = pytest.mark.django_db


def test_roundtrip_and_one_changed_byte_fails(demo, settings):
    chair = demo["chutich"]
    data = b"%PDF-1.7 some document bytes"
    signed = signing.sign_bytes(user=chair, data=data)
    assert signing.verify_bytes(data=data, signature=signed.signature, public_key=signed.public_key)
    for index in (0, len(data) // 2, len(data) - 1):
        changed = bytearray(data)
        changed[index] ^= 0x01
        assert not signing.verify_bytes(
            data=bytes(changed), signature=signed.signature, public_key=signed.public_key
        )
    assert not signing.verify_bytes(
        data=data + b"\n", signature=signed.signature, public_key=signed.public_key
    )


def test_private_key_file_is_0600_and_outside_the_database(demo, settings):
    signing.ensure_signer_key(demo["chutich"])
    path = settings.KEYS_DIR / "signers" / str(demo["chutich"].pk) / "ed25519.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in path.read_bytes()


def test_private_key_encrypted_with_a_passphrase(demo, settings, monkeypatch):
    monkeypatch.setenv(signing.PASSPHRASE_ENV, "correct horse battery staple")
    key_id, _ = signing.ensure_signer_key(demo["chutich"])
    path = settings.KEYS_DIR / "signers" / str(demo["chutich"].pk) / "ed25519.pem"
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    assert signing.sign_bytes(user=demo["chutich"], data=b"x").key_id == key_id
    monkeypatch.setenv(signing.PASSPHRASE_ENV, "wrong")
    with pytest.raises(signing.SigningError):
        signing.sign_bytes(user=demo["chutich"], data=b"x")


def test_key_readable_by_others_is_refused(demo, settings):
    signing.ensure_signer_key(demo["chutich"])
    path = settings.KEYS_DIR / "signers" / str(demo["chutich"].pk) / "ed25519.pem"
    path.chmod(0o644)
    with pytest.raises(signing.SigningError):
        signing.sign_bytes(user=demo["chutich"], data=b"x")


@pytest.fixture
def signed_decision(demo, today, chair_device):
    d = numbered(demo, [AN])
    return docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token=totp_now(chair_device))


def test_verify_signed_pdf_and_tampered_pdf(signed_decision):
    pdf = read_document(signed_decision.pdf_storage_name)
    ok = signing.verify_document(data=pdf)
    assert ok.valid
    assert (ok.reference, ok.signer_name) == ("1/QĐ-UBND", "Nguyễn Quốc Hội")
    assert ok.signed_at == signed_decision.signed_at
    tampered = bytearray(pdf)
    tampered[len(pdf) // 2] ^= 0x01  # one bit of one byte
    bad = signing.verify_document(data=bytes(tampered))
    assert not bad.valid and bad.reference == ""


@pytest.fixture
def english():
    # These tests read the verifier's explanations, which are translated; assert them in English.
    from django.utils import translation

    with translation.override("en"):
        yield


def test_detached_signature_flags_a_changed_file(signed_decision, english):
    pdf = read_document(signed_decision.pdf_storage_name)
    sig = docs.signature_file_for(signed_decision)
    body = json.loads(sig)
    assert body["sha256"] == signed_decision.sha256 and body["document"] == "1/QĐ-UBND"
    assert signing.verify_document(data=pdf, signature_file=sig).valid
    tampered = pdf[:-10] + b"%%EOF-XXXX"
    bad = signing.verify_document(data=tampered, signature_file=sig)
    assert not bad.valid
    assert bad.reference == "1/QĐ-UBND"  # we can say which document it claims to be
    assert any("changed" in d for d in bad.details)


def test_signature_by_an_unregistered_key_is_refused(signed_decision, english):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    forged_pdf = b"%PDF-1.7 forged decision"
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    forged = signing.SignedBytes(
        sha256=signing.sha256_hex(forged_pdf),
        signature=signing._b64(key.sign(forged_pdf)),
        public_key=signing._b64(raw),
        key_id=signing.key_id_for(raw),
    )
    sig = signing.detached_signature(
        signed=forged,
        document="99/QĐ-UBND",
        signer_name="X",
        signer_title="CHỦ TỊCH",
        signed_at=signed_decision.signed_at,
    )
    result = signing.verify_document(data=forged_pdf, signature_file=sig)
    assert not result.valid
    assert any("not one registered" in d for d in result.details)


def test_verify_document_command(signed_decision, tmp_path, capsys):
    pdf = read_document(signed_decision.pdf_storage_name)
    good = tmp_path / "qd.pdf"
    good.write_bytes(pdf)
    call_command("verify_document", str(good))
    out = capsys.readouterr().out
    assert out.startswith("VALID") and "1/QĐ-UBND" in out and "Nguyễn Quốc Hội" in out
    sig = tmp_path / "qd.pdf.sig.json"
    sig.write_bytes(docs.signature_file_for(signed_decision))
    call_command("verify_document", str(good), "--signature", str(sig))
    assert capsys.readouterr().out.startswith("VALID")
    bad = tmp_path / "bad.pdf"
    changed = bytearray(pdf)
    changed[-100] ^= 0x01
    bad.write_bytes(bytes(changed))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_document", str(bad), "--signature", str(sig))
    assert exit_info.value.code == 1
    assert capsys.readouterr().out.startswith("INVALID")


def test_unusable_key_refuses_signing_cleanly(demo, today, chair_device, settings, monkeypatch):
    from nominations.models import Decision
    from workflows.errors import ActionError

    from .test_decisions import numbered as make_numbered

    monkeypatch.setenv(signing.PASSPHRASE_ENV, "one passphrase")
    signing.ensure_signer_key(demo["chutich"])
    monkeypatch.setenv(signing.PASSPHRASE_ENV, "another passphrase")
    d = make_numbered(demo, [AN])
    with pytest.raises(ActionError) as err:
        docs.decision_sign(actor=demo["chutich"], decision_id=d.pk, otp_token=totp_now(chair_device))
    assert err.value.code == "conflict"
    assert Decision.objects.get(pk=d.pk).signature == ""
