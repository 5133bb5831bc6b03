"""``prepared_cursor``: on PostgreSQL a statement is prepared once per connection and its plan
reused (what the nearest-professionals walk runs through), while Django still logs and counts
it, /metrics still counts it, errors are still Django's, and a rollback loses nothing but the
plan."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from prometheus_client import REGISTRY

from householdsvc.core.prepared import prepared_cursor

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT %s::bigint + 1, %s::text"


def _prepared(statement_start: str) -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            [statement_start + "%"],
        )
        return cursor.fetchall()


def _executed_total() -> float:
    labels = {"alias": "default", "vendor": "postgresql"}
    return REGISTRY.get_sample_value("django_db_execute_total", labels) or 0


def test_the_statement_is_prepared_once_and_answers_with_each_calls_values():
    assert connection.vendor == "postgresql"
    answers = []
    for number in range(8):
        with prepared_cursor() as cursor:
            cursor.execute(STATEMENT, [number, f"call {number}"])
            answers.append(cursor.fetchone())
    assert answers == [(number + 1, f"call {number}") for number in range(8)]
    # One prepared statement, run 8 times: PostgreSQL plans it 5 times, then keeps a generic plan.
    assert _prepared("SELECT $1::bigint + 1") == [(3, 5)]


def test_django_logs_and_counts_what_it_runs():
    before = _executed_total()
    with CaptureQueriesContext(connection) as queries, prepared_cursor() as cursor:
        cursor.execute(STATEMENT, [41, "logged"])
        assert cursor.fetchone() == (42, "logged")
    assert len(queries) == 1
    assert queries[0]["sql"] == "SELECT 41::bigint + 1, 'logged'::text"
    assert _executed_total() == before + 1


def test_an_error_is_djangos_and_a_rollback_keeps_the_connection_usable():
    with pytest.raises(DatabaseError), transaction.atomic(), prepared_cursor() as cursor:
        cursor.execute(STATEMENT, [1, "first"])
        cursor.execute("SELECT 1 / %s::integer", [0])
    # The rollback dropped psycopg's prepared statements; the next call prepares it again.
    with prepared_cursor() as cursor:
        cursor.execute(STATEMENT, [2, "again"])
        assert cursor.fetchone() == (3, "again")
    assert _prepared("SELECT $1::bigint + 1") == [(0, 1)]


def test_other_statements_stay_unprepared():
    with prepared_cursor() as cursor:
        cursor.execute(STATEMENT, [1, "prepared"])
    for _ in range(10):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 7 AS plain_statement")
    assert _prepared("SELECT 7 AS plain_statement") == []
