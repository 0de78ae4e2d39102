import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from nominations.models import Occasion, QuotaLedger


class Command(BaseCommand):
    help = "Print limit, used and remaining seats per occasion, award type and nominee kind."

    def add_arguments(self, parser):
        parser.add_argument("--occasion", help="occasion code, e.g. hang-nam-2026")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        quotas = QuotaLedger.objects.select_related("occasion", "award_type").order_by(
            "occasion__year", "occasion__kind", "award_type__order", "nominee_kind"
        )
        if options["occasion"]:
            if not Occasion.objects.filter(code=options["occasion"]).exists():
                raise CommandError(_("Unknown occasion: %(code)s") % {"code": options["occasion"]})
            quotas = quotas.filter(occasion__code=options["occasion"])
        rows = [
            {
                "occasion": q.occasion.code,
                "award_type": q.award_type.code,
                "nominee_kind": q.nominee_kind,
                "limit": q.limit,
                "used": q.used,
                "remaining": q.limit - q.used,
            }
            for q in quotas
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        headers = ["occasion", "award_type", "nominee_kind", "limit", "used", "remaining"]
        widths = {h: max([len(h)] + [len(str(r[h])) for r in rows]) for h in headers}
        self.stdout.write("  ".join(h.ljust(widths[h]) for h in headers))
        for r in rows:
            self.stdout.write("  ".join(str(r[h]).ljust(widths[h]) for h in headers))
