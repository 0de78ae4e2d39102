"""Sign a checkpoint over every chain head of the audit ledger, once or on a schedule (`--every`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from workflows.checkpoints import checkpoint_create, public_key_path


class Command(BaseCommand):
    help = "Sign a checkpoint over all audit chain heads (Ed25519, key in KEYS_DIR)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds (0 = once)")

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        while True:
            cp = checkpoint_create()
            self.stdout.write(
                f"checkpoint {cp.pk} key {cp.key_id} chains {cp.chains} events {cp.events} hash {cp.hash}"
            )
            if every <= 0:
                self.stdout.write(f"public key: {public_key_path()}")
                return
            time.sleep(every)
