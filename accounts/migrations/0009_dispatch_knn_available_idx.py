"""Dispatch matching on PostgreSQL: the GiST index behind the ``<->`` nearest-first walk becomes
partial, over the professionals matching can use at all (available, approved, positioned), so
the walk reads no row it has to throw away for those reasons, and the planner, seeing a short
LIMIT over an index that serves the whole ORDER BY, takes it (requests_app.matching). It
replaces 0002's full index on the same expression. SQLite: nothing to do."""

from django.db import migrations

OLD = "pro_service_earth_idx"
NEW = "pro_available_earth_idx"
EARTH = "ll_to_earth(current_latitude::double precision, current_longitude::double precision)"
# requests_app.matching.KNN_INDEX_PREDICATE: the inner query repeats it word for word.
PREDICATE = "is_available AND verification_status = 'approved' AND current_latitude IS NOT NULL"

FORWARD = [
    f"CREATE INDEX IF NOT EXISTS {NEW} ON accounts_professionalprofile USING gist "
    f"(service_id, {EARTH}) WHERE {PREDICATE}",
    f"DROP INDEX IF EXISTS {OLD}",
]
BACKWARD = [
    f"CREATE INDEX IF NOT EXISTS {OLD} ON accounts_professionalprofile USING gist (service_id, {EARTH})",
    f"DROP INDEX IF EXISTS {NEW}",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_merge_20261202_0008")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
