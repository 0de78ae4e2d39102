from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0005_ledger_checkpoint"),
    ]

    operations = [
        # The archive ("done") lists a user's finished tasks newest first; without this index the page
        # sorts every task the user ever finished.
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS thidua_task_archive ON viewflow_task (owner_id, status, finished, id)",
            "DROP INDEX IF EXISTS thidua_task_archive",
        ),
    ]
