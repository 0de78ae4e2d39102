"""Checkpoint keys and signatures; the export and verifier commands; the verifier stays Django-free."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from workflows.canonical import sha256_hex
from workflows.checkpoints import PRIVATE_KEY_NAME, checkpoint_create, key_id_of, public_key_path, signing_key
from workflows.ledger import ledger_append
from workflows.models import Checkpoint

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_the_key_is_made_once_outside_the_database_with_private_permissions(keys_dir):
    assert not keys_dir.exists()
    key = signing_key()
    private = keys_dir / PRIVATE_KEY_NAME
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys_dir.stat().st_mode) == 0o700
    again = signing_key()
    raw = lambda k: k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)  # noqa: E731
    assert raw(again) == raw(key)
    assert key_id_of(key.public_key()) == sha256_hex(raw(key))[:16]
    assert public_key_path().read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")


def test_a_checkpoint_signs_every_chain_head(keys_dir):
    with transaction.atomic():
        a = ledger_append(actor=None, action="config_change", payload={"n": 1})
        b = ledger_append(actor=None, action="note", chain="dossier:99", payload={})
    first = checkpoint_create()
    second = checkpoint_create()
    import json

    body = json.loads(first.body)
    assert body["heads"] == {"system": [1, a.hash], "dossier:99": [1, b.hash]}
    assert body["prev"] == "0" * 64 and json.loads(second.body)["prev"] == first.hash
    assert first.hash == sha256_hex(first.body.encode())
    signing_key().public_key().verify(bytes.fromhex(first.signature), first.body.encode())
    assert (first.chains, first.events, first.key_id) == (2, 2, key_id_of(signing_key().public_key()))


def test_checkpoints_are_append_only_too(keys_dir):
    cp = checkpoint_create()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Checkpoint.objects.filter(pk=cp.pk).update(signature="00")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM workflows_checkpoint")
    assert Checkpoint.objects.get(pk=cp.pk).signature == cp.signature


def test_audit_checkpoint_command(keys_dir, capsys):
    call_command("audit_checkpoint")
    out = capsys.readouterr().out
    cp = Checkpoint.objects.get()
    assert f"checkpoint {cp.pk} key {cp.key_id}" in out


def _run_verifier(export: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    return subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "workflows.verify",
            str(export),
            "--public-key",
            str(public_key_path()),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_export_then_independent_verifier_passes_without_importing_django(real_ledger, tmp_path):
    export = tmp_path / "ledger.jsonl"
    call_command("audit_export", str(export))
    result = _run_verifier(export)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout and "events 15" in result.stdout
    imported = [
        line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    ]
    assert "workflows" in imported and "hashlib" in imported  # the package was imported; the run is real
    assert not [m for m in imported if m == "django" or m.startswith("django.")]


def test_independent_verifier_reports_the_first_broken_link(real_ledger, tmp_path):
    export = tmp_path / "ledger.jsonl"
    call_command("audit_export", str(export))
    lines = export.read_bytes().splitlines(keepends=True)
    victim = next(i for i, line in enumerate(lines) if b'"action":"receive"' in line)
    del lines[victim]
    export.write_bytes(b"".join(lines))
    result = _run_verifier(export, "--json")
    assert result.returncode == 1
    import json

    report = json.loads(result.stdout)
    assert report["first_problem"]["code"] == "broken_link"
    assert report["first_problem"]["chain"] == f"dossier:{real_ledger['awarded'].pk}"
    assert report["first_problem"]["seq"] == 4


def test_audit_verify_command_exit_status(real_ledger, capsys):
    call_command("audit_verify")
    assert "OK" in capsys.readouterr().out
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE nominations_dossier SET status = 'awarded' WHERE id = %s", [real_ledger["draft"].pk]
        )
    with pytest.raises(SystemExit) as exc:
        call_command("audit_verify")
    assert exc.value.code == 1
    assert "replay_status" in capsys.readouterr().out
