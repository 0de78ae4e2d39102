from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        # viewflow flows register their nodes on import.
        from notifications.services import register_group_source

        from . import (
            flows,  # noqa: F401
            ledger_guard,  # noqa: F401  (registers the SQLite ledger-seal function)
        )
        from .config_audit import connect
        from .live import groups_for_user

        # Admin configuration changes, sign-ins and failed sign-ins are recorded in the ledger.
        connect()
        # Each user's notification socket also joins the groups of the queues they work.
        register_group_source(groups_for_user)
