"""Run the independent verifier's checks against the live database (exit status 1 on any problem)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from workflows.ledger import ledger_verify_live


class Command(BaseCommand):
    help = "Verify every audit chain, checkpoint and replayed state in the live database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        report = ledger_verify_live()
        text = (
            json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if options["json"] else report.text()
        )
        self.stdout.write(text)
        if not report.ok:
            sys.exit(1)
