"""The tracking points' indexes on PostgreSQL: each one a read or a rule needs, no more (each
costs every point written)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_points_table_has_the_indexes_its_reads_and_rules_need_and_no_other():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'tracking_locationupdate'::regclass"
        )
        indexes = {name: definition.split(" USING ", 1)[1] for name, definition in cursor.fetchall()}
    assert indexes == {
        "tracking_locationupdate_pkey": "btree (id, recorded_at)",
        # A re-sent point fails a batch's plain insert, and the retry skips it (ON CONFLICT DO
        # NOTHING, tracking.ingest). Also a reporter's points (a user deleted): NULL client_ids
        # never clash in it.
        "location_client_id_unique": "btree (reported_by_id, client_id, recorded_at)",
        "location_moment_unique": "btree (request_id, reported_by_id, recorded_at) WHERE (client_id IS NULL)",
        # The retention of the default partition.
        "location_received_idx": "btree (received_at)",
        # A request's points newest first (the API, the live map, the export, a request
        # deleted), and a reporter's trip in order (the ETA at each batch).
        "location_request_idx": "btree (request_id, recorded_at, id)",
    }


def test_the_points_table_checks_no_foreign_key_per_point_written():
    """A foreign key costs a lookup of the referenced row for every point inserted (at the
    commit, while the batch's locks are held); the batch's share lock on its request and the
    request's protection of its professional keep the points to real rows instead
    (test_location_integrity.py, test_ingest_locks.py)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'tracking_locationupdate'::regclass "
            "AND contype = 'f'"
        )
        assert cursor.fetchall() == []
