"""The daily reminders moved from requests_app to exports (the import order: the reminder reads
requests and writes the exports' sent-once ledger), and their task with them: the beat row
follows the task's new name."""

from django.db import migrations

OLD, NEW = "requests_app.tasks.send_daily_reminders", "exports.tasks.send_daily_reminders"


def rename(apps, schema_editor, old=OLD, new=NEW):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=old).update(task=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [("exports", "0004_export_expired_status"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(rename, rename_back)]
