"""A reporter's trip on a request read from one index (location_trip_idx), and the request's
own single-column index dropped: location_request_idx and location_trip_idx both start with it.

The drop is written out: Django's AlterField would also drop and re-add the foreign key, which
checks every point of the table again under a lock that stops ingest meanwhile."""

import django.db.models.deletion
from django.db import migrations, models

REQUEST_INDEX = "tracking_locationupdate_request_id_66dcb7e2"


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0019_request_held_idx"),
        ("tracking", "0007_partition_schedule"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="locationupdate",
            index=models.Index(fields=["request", "reported_by", "recorded_at", "id"], name="location_trip_idx"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="locationupdate",
                    name="request",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="location_updates",
                        to="requests_app.servicerequest",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{REQUEST_INDEX}"',
                    f'CREATE INDEX "{REQUEST_INDEX}" ON "tracking_locationupdate" ("request_id")',
                ),
            ],
        ),
    ]
