from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from nominations.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, **options):
        # Commands run without an active language; the people reading this work in Vietnamese.
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(_("Demo logins (password for all: %(pw)s):") % {"pw": DEMO_PASSWORD})
            for username, role, title in demo_logins():
                self.stdout.write(f"  {username:<12} {_(role)} — {title}")
            self.stdout.write(_("Open %(url)s in a browser.") % {"url": options["url"]})
