"""The database refuses UPDATE and DELETE on the audit ledger (PostgreSQL and SQLite triggers)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from workflows.ledger_guard import install_triggers

    install_triggers(schema_editor, ("workflows_auditevent",))


def backwards(apps, schema_editor):
    from workflows.ledger_guard import remove_triggers

    remove_triggers(schema_editor, ("workflows_auditevent",))


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
