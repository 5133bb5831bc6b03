"""Each point may carry the phone's own id for it; a point is recorded once (per reporter, id
and moment, or without an id per request, reporter and moment), which INSERT ... ON CONFLICT DO
NOTHING relies on. The unique indexes include ``recorded_at`` so that they can stay on the
table once it is partitioned by it (0006)."""

from django.db import migrations, models

# Ingest already skipped a repeated moment under the request's lock, so there should be none;
# any that slipped in are the same point twice, and would stop the unique index being built.
DROP_REPEATS = """
DELETE FROM tracking_locationupdate WHERE id IN (
    SELECT later.id FROM tracking_locationupdate earlier
    JOIN tracking_locationupdate later ON later.request_id = earlier.request_id
        AND later.reported_by_id = earlier.reported_by_id
        AND later.recorded_at = earlier.recorded_at AND later.id > earlier.id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0004_dispatch_tracking_links"),
    ]

    operations = [
        migrations.RunSQL(DROP_REPEATS, migrations.RunSQL.noop, elidable=True),
        migrations.AddField(
            model_name="locationupdate",
            name="client_id",
            field=models.CharField(
                blank=True, help_text="The reporting phone's own id for the point.", max_length=64, null=True
            ),
        ),
        migrations.AddConstraint(
            model_name="locationupdate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("client_id__isnull", False)),
                fields=("reported_by", "client_id", "recorded_at"),
                name="location_client_id_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="locationupdate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("client_id__isnull", True)),
                fields=("request", "reported_by", "recorded_at"),
                name="location_moment_unique",
            ),
        ),
    ]
