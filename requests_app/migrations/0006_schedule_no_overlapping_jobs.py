"""No professional holds two overlapping jobs: an exclusion constraint over (professional,
[busy_from, busy_until)) for the holding states, on PostgreSQL only (btree_gist gives the
``=`` on the professional a GiST operator class). SQLite, which ``make run`` uses, has no such
constraint: there the same rule is the check under a lock in requests_app.schedule.services."""

from django.db import migrations

CONSTRAINT = "request_no_overlapping_jobs"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE requests_app_servicerequest ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (professional_id WITH =, tstzrange(busy_from, busy_until, '[)') WITH &&)
    WHERE (status IN ('assigned', 'en_route', 'on_site') AND busy_from IS NOT NULL);
"""
DROP = f"ALTER TABLE requests_app_servicerequest DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0005_schedule_hours_and_busy_range")]

    operations = [migrations.RunPython(create, drop)]
