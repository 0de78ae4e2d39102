"""`flush` that may empty the append-only ledger tables.

Emptying a whole database (tests between transactional cases, a developer reset) is the one deliberate
exception to "the ledger is never deleted from"; this command is the only caller of the maintenance
switch that the ledger triggers honour.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections, transaction

from workflows.ledger_guard import ledger_maintenance


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        connection = connections[database]
        with ledger_maintenance():
            if connection.vendor == "postgresql":
                with transaction.atomic(using=database):
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL thidua.ledger_maintenance = 'on'")
                    super().handle(**options)
            else:
                super().handle(**options)
