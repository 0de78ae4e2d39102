from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from nominations.plan import seed_plan


class Command(BaseCommand):
    help = "Load the Vĩnh Thông 2026–2030 plan: occasions, award types, quotas, content areas, rules."

    def handle(self, *args, **options):
        created = seed_plan()
        total = sum(created.values())
        if total:
            details = ", ".join(f"{k}={v}" for k, v in created.items() if v)
            self.stdout.write(self.style.SUCCESS(_("Plan loaded (%(details)s).") % {"details": details}))
        else:
            self.stdout.write(_("Plan already loaded; nothing changed."))
