from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from nominations.demo import seed_demo


class Command(BaseCommand):
    help = "Add demo units, one demo user per role and a handful of dossiers (after seed_plan)."

    def handle(self, *args, **options):
        result = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(_("Demo data ready (%(units)s units, %(users)s new users).") % result)
        )
