"""`manage.py verify_document FILE [--signature SIG]`: is this file a document signed here, by whom and when?

Exit status 0 when the file is exactly a signed document, 1 otherwise (any changed byte fails)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nominations.signing import verify_document


class Command(BaseCommand):
    help = (
        "Verify a signed document (PDF) against the recorded Ed25519 signature, or a detached signature file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the document to check")
        parser.add_argument("--signature", help="a detached signature file (.sig.json) that came with it")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        signature = None
        if options.get("signature"):
            sig_path = Path(options["signature"])
            if not sig_path.is_file():
                raise CommandError(f"{sig_path}: no such file")
            signature = sig_path.read_bytes()
        result = verify_document(data=path.read_bytes(), signature_file=signature)
        lines = [f"{'VALID' if result.valid else 'INVALID'}: {result.message}", f"SHA-256: {result.sha256}"]
        if result.reference:
            lines.append(f"Document: {result.reference} ({result.kind}, {result.status})")
        if result.signer_name:
            lines.append(f"Signed by: {result.signer_name} ({result.signer_title})")
        if result.signed_at:
            lines.append(f"Signed at: {timezone.localtime(result.signed_at):%d/%m/%Y %H:%M:%S %Z}")
        if result.key_id:
            lines.append(f"Key id: {result.key_id}")
        if result.revoked_by:
            lines.append(f"Revoked by: {result.revoked_by}")
        lines += [f"- {d}" for d in result.details]
        self.stdout.write("\n".join(lines))
        if not result.valid:
            raise SystemExit(1)
