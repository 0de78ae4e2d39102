from django.core.management.base import BaseCommand

from workflows.reminders import remind_deadlines


class Command(BaseCommand):
    help = "Remind whoever holds each open task (or its queue) two working days before its due date."

    def handle(self, *args, **options):
        self.stdout.write(f"{remind_deadlines()} task(s) reminded")
