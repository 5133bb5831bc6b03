"""Everybody who signed up before e-mail confirmation existed counts as confirmed (as of their
sign-up): confirmation is asked of new accounts only, and nobody already booking is stopped."""

from django.db import migrations
from django.db.models import F


def confirm_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_confirmed_at__isnull=True).update(email_confirmed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_people_sessions")]

    operations = [migrations.RunPython(confirm_existing, migrations.RunPython.noop)]
