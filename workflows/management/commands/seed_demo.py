from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from nominations.demo import seed_demo
from workflows.demo import seed_demo_dossiers


class Command(BaseCommand):
    help = "Add demo units, one demo user per role and a handful of dossiers (after seed_plan). Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            result = seed_demo()
            result["dossiers"] = seed_demo_dossiers()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data ready (%(units)s units, %(users)s new users, %(dossiers)s new dossiers).")
                % result
            )
        )
