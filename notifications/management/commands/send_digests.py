from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.digests import send_digests


class Command(BaseCommand):
    help = "E-mail each user one digest of their unread notifications not e-mailed yet (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url", default="", help="Prefix for links in the e-mail, e.g. https://thidua.example.vn"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_digests(base_url=options["base_url"])
        self.stdout.write(f"{sent} digest(s) sent")
