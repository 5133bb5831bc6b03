"""The dispatch sweep as a django-celery-beat row (like the other apps' schedules): every few
seconds it advances the rounds of offers whose countdown task was lost. Created once; admins
may change or disable it afterwards."""

from django.db import migrations
from django.utils import timezone

NAME = "Advance dispatch rounds"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every, _ = IntervalSchedule.objects.get_or_create(every=15, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "requests_app.tasks.dispatch_sweep",
            "interval": every,
            "description": "Expires offers past DISPATCH_OFFER_SECONDS and sends the next round.",
            "enabled": True,
        },
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0005_dispatch_offers"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
