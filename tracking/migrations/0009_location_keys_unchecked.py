"""The points' foreign keys no longer checked by the database: each check was a lookup of the
request and of the reporter for every point written, run at the commit (a third of a batch's
time in PostgreSQL). Dropping a constraint takes a moment; adding it back (the reverse) checks
every point of the table."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0019_request_held_idx"),
        ("tracking", "0008_location_trip_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="locationupdate",
            name="reported_by",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="locationupdate",
            name="request",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="location_updates",
                to="requests_app.servicerequest",
            ),
        ),
    ]
