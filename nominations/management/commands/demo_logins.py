from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from nominations.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        self.stdout.write(_("Demo logins (password for all: %(pw)s):") % {"pw": DEMO_PASSWORD})
        for username, role, title in demo_logins():
            self.stdout.write(f"  {username:<12} {role} — {title}")
        self.stdout.write(_("Open http://127.0.0.1:8000/ in a browser."))
