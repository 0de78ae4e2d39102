from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        # viewflow flows register their nodes on import.
        from . import (
            flows,  # noqa: F401
            ledger_guard,  # noqa: F401  (registers the SQLite ledger-seal function)
        )
        from .config_audit import connect

        # Admin configuration changes, sign-ins and failed sign-ins are recorded in the ledger.
        connect()
