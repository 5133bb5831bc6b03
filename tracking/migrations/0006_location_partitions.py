"""On PostgreSQL, ``tracking_locationupdate`` becomes a table partitioned by month of
``recorded_at`` (see ``tracking.partitions``); on SQLite it stays a plain table.

The table is rebuilt: the old one renamed, a partitioned one made like it (same columns, checks
and defaults), with the primary key ``(id, recorded_at)`` (a partitioned table's keys must hold
its partition key), the same indexes and foreign keys under the same names, ids from a sequence
that continues the old one, a default partition, and a partition for every month from the
oldest point to two months ahead; then the points are copied over and the old table dropped.
Django's state does not change: ``id`` alone is still the model's key, and is unique.

Reversible: backwards makes a plain table again the same way.
"""

from datetime import timedelta

from django.db import migrations

TABLE = "tracking_locationupdate"


def _definitions(cursor, table):
    """The table's indexes but the primary key (CREATE statements) and foreign keys."""
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass AND NOT indisprimary",
        [table],
    )
    # A partitioned table's index reads "ON ONLY table"; a plain table's, "ON table".
    indexes = [(name, sql.replace(" ON ONLY ", " ON ")) for name, sql in cursor.fetchall()]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    return indexes, cursor.fetchall()


def _set_aside(cursor, old_name, indexes):
    """Rename the table and free every name the new one takes (indexes, key, sequence); return
    the next id."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    (sequence,) = cursor.fetchone()
    cursor.execute(f"SELECT nextval('{sequence}')")
    (next_id,) = cursor.fetchone()
    cursor.execute(f'ALTER TABLE "{TABLE}" RENAME TO "{old_name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute(f'ALTER TABLE "{old_name}" DROP CONSTRAINT "{TABLE}_pkey"')
    cursor.execute("SELECT attidentity FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'id'", [old_name])
    if cursor.fetchone()[0]:
        cursor.execute(f'ALTER TABLE "{old_name}" ALTER COLUMN id DROP IDENTITY')
    else:
        cursor.execute(f'ALTER TABLE "{old_name}" ALTER COLUMN id DROP DEFAULT')
        cursor.execute(f"DROP SEQUENCE {sequence}")
    return next_id


def _build(cursor, old_name, *, partitioned, next_id, indexes, foreign_keys):
    by = " PARTITION BY RANGE (recorded_at)" if partitioned else ""
    cursor.execute(f'CREATE TABLE "{TABLE}" (LIKE "{old_name}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS){by}')
    cursor.execute(f'CREATE SEQUENCE "{TABLE}_id_seq" START WITH {int(next_id)} OWNED BY "{TABLE}".id')
    cursor.execute(f"""ALTER TABLE "{TABLE}" ALTER COLUMN id SET DEFAULT nextval('"{TABLE}_id_seq"')""")
    key = "id, recorded_at" if partitioned else "id"
    cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY ({key})')
    if partitioned:
        cursor.execute(f'CREATE TABLE "{TABLE}_default" PARTITION OF "{TABLE}" DEFAULT')
        cursor.execute(
            f"SELECT gs::date FROM generate_series("
            f"date_trunc('month', coalesce((SELECT min(recorded_at) FROM \"{old_name}\"), now()) AT TIME ZONE 'UTC'),"
            "date_trunc('month', now() AT TIME ZONE 'UTC') + interval '2 months', interval '1 month') AS gs"
        )
        for (month,) in cursor.fetchall():
            following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
            cursor.execute(
                f'CREATE TABLE "{TABLE}_p{month:%Y_%m}" PARTITION OF "{TABLE}" '
                f"FOR VALUES FROM ('{month:%Y-%m-%d} 00:00:00+00') TO ('{following:%Y-%m-%d} 00:00:00+00')"
            )
    for _, sql in indexes:
        cursor.execute(sql)
    for name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(f'INSERT INTO "{TABLE}" SELECT * FROM "{old_name}"')
    cursor.execute(f'DROP TABLE "{old_name}" CASCADE')


def _rebuild(schema_editor, *, partitioned):
    if schema_editor.connection.vendor != "postgresql":
        return
    old_name = f"{TABLE}_before_rebuild"
    with schema_editor.connection.cursor() as cursor:
        indexes, foreign_keys = _definitions(cursor, TABLE)
        next_id = _set_aside(cursor, old_name, indexes)
        _build(
            cursor, old_name, partitioned=partitioned, next_id=next_id, indexes=indexes, foreign_keys=foreign_keys
        )


def partition(apps, schema_editor):
    _rebuild(schema_editor, partitioned=True)


def unpartition(apps, schema_editor):
    _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0005_location_client_id"),
    ]

    operations = [migrations.RunPython(partition, unpartition)]
