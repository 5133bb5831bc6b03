"""Dispatch matching: the widest radius of a service in one index lookup, and, on PostgreSQL
only, the ``cube`` + ``earthdistance`` extensions and a GiST index on (service, ``ll_to_earth``
of the professional's current position) (nearest-neighbour ``<->`` order within a service, with
``btree_gist``; see householdsvc.core.earth). SQLite keeps the latitude/longitude index alone."""

from django.db import migrations, models

INDEX = "pro_service_earth_idx"

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS cube",
    "CREATE EXTENSION IF NOT EXISTS earthdistance",
    # The service's equality in the same GiST index as the position: btree_gist.
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON accounts_professionalprofile USING gist "
    "(service_id, ll_to_earth(current_latitude::double precision, current_longitude::double precision))",
]
# The extensions stay: other database objects may come to use them.
DROP = [f"DROP INDEX IF EXISTS {INDEX}"]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0002_dispatch_per_km_price"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="professionalprofile",
            index=models.Index(fields=["service", "service_radius_km"], name="pro_service_radius_idx"),
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
