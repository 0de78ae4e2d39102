"""Write the audit ledger, its checkpoints and the current state to a JSON Lines file for the verifier."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from workflows.checkpoints import public_key_path
from workflows.ledger import export_snapshot, ledger_export_lines


class Command(BaseCommand):
    help = "Export the audit ledger (events, checkpoints, chain heads, current state) as JSON Lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the export ('-' for standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        lines = 0
        with export_snapshot():
            if path == "-":
                for line in ledger_export_lines():
                    self.stdout.write(line.decode("utf-8"), ending="")
                    lines += 1
                return
            with open(path, "wb") as fh:
                for line in ledger_export_lines():
                    fh.write(line)
                    lines += 1
        self.stderr.write(
            f"{lines} lines written to {path}. Verify with: "
            f"python -m workflows.verify {path} --public-key {public_key_path()}"
        )
