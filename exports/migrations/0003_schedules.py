"""The periodic jobs as django-celery-beat rows, so every deploy has them (beat runs with the
DatabaseScheduler); admins may change their times or switch them off in the admin afterwards."""

from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    # (name, task, crontab: minute, hour, day_of_month, description)
    (
        "Daily reminders to professionals",
        "requests_app.tasks.send_daily_reminders",
        ("0", "7", "*"),
        "Emails each professional the requests waiting for them: assigned and not started, and open offers.",
    ),
    (
        "Monthly activity reports to customers",
        "exports.tasks.send_monthly_reports",
        ("0", "6", "1"),
        "Emails each customer with activity last month an HTML summary of it.",
    ),
    (
        "Delete old export files",
        "exports.tasks.prune_export_files",
        ("30", "3", "*"),
        "Deletes export files older than EXPORT_RETENTION_DAYS and clears them from their jobs.",
    ),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, (minute, hour, day_of_month), description in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day_of_month, month_of_year="*", day_of_week="*",
            timezone="UTC",
        )
        # get_or_create by name: a schedule an admin already edited is left as they made it.
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "description": description, "enabled": True}
        )
    # Tells a running beat that the schedule table changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0002_sent_notification"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
