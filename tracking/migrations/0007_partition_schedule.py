"""The daily making of the tracking points' monthly partitions ahead (``tracking.partitions``)
as a django-celery-beat row, like 0003's nightly prune: created once; admins may change it."""

from django.db import migrations
from django.utils import timezone

NAME = "Create tracking partitions ahead"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_month="*", month_of_year="*", day_of_week="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "tracking.tasks.create_location_partitions",
            "crontab": crontab,
            "description": "Makes this month's partition of the tracking points and the next "
            "LOCATION_PARTITION_MONTHS_AHEAD months' (PostgreSQL; nothing on SQLite).",
            "enabled": True,
        },
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0006_location_partitions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
