"""Statements planned once per database connection: PostgreSQL's prepared statements.

Django turns psycopg's automatic preparation off (``prepare_threshold=None``, so that poolers in
transaction mode keep working) and binds parameters on the client. A hot statement that is
small to run but large to plan (the nearest professionals: a walk, four joins and two
subqueries, planned in about as long as it runs) pays its planning on every call.
``prepared_cursor`` runs statements through a cursor that binds parameters on the server and
prepares what it executes: after PostgreSQL's first few custom plans the statement keeps a
generic plan for the connection's life (ours live in a psycopg pool, or persist in workers).

The cursor is wrapped as ``connection.cursor()``'s is: queries are logged and counted
(``django_assert_num_queries``), errors are Django's, /metrics counts them. Elsewhere than on
PostgreSQL with psycopg 3 it is ``connection.cursor()`` itself.

A statement so run must suit server-side binding: ``%s`` placeholders only (no ``%%``), and
values whose types PostgreSQL can tell (cast where it cannot, e.g. ``%s::bigint``). A schema
change that alters a column's type the statement returns makes PostgreSQL re-plan it; a
connection opened before such a migration may fail once with "cached plan must not change
result type" (processes restart after migrations here).
"""

from __future__ import annotations

import contextlib
import functools

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections

_NEVER = 2**62


@contextlib.contextmanager
def prepared_cursor(using: str = DEFAULT_DB_ALIAS):
    connection = connections[using]
    classes = _cursor_classes(connection.settings_dict["ENGINE"], connection.alias, connection.vendor)
    if classes is None:
        with connection.cursor() as cursor:
            yield cursor
        return
    # Django's own cursor first: it opens (or checks) the connection and its thread.
    with connection.cursor():
        pgconn = connection.connection
        if pgconn.prepare_threshold is None:
            # psycopg prepares nothing while the threshold is None, even when asked to; a
            # threshold no statement reaches keeps every other statement unprepared (Django's
            # client-binding cursors never prepare anyway).
            pgconn.prepare_threshold = _NEVER
        raw = classes[0](pgconn)
    cursor = classes[1](raw, connection) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        yield cursor


def fetch_rows(queryset) -> list[tuple]:
    """The rows of a ``values_list()`` queryset of plain fields (no ``extra``, no annotations),
    run as a prepared statement and converted as Django converts them: a list page's query,
    planned once per connection (a page of a list plans in three times as long as it runs)."""
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # .none(), or an empty ``__in``
        return []
    with prepared_cursor(queryset.db) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return list(compiler.results_iter([rows], tuple_expected=True))


def plain_query(query) -> bool:
    """Whether a query's SQL is set by its model, filters, ordering by field names, slice and
    fields alone (no distinct, annotations, extra, combinator, grouping or row lock): the
    queries whose compiled SQL the changelist and the list pages keep per shape."""
    return not (
        query.distinct
        or query.annotations
        or query.extra
        or query.combinator
        or query.group_by is not None
        or query.select_for_update
    ) and all(type(name) is str for name in query.order_by)


_KEPT_SQL = 64
_kept_sql: dict[tuple, str] = {}


def fetch_fixed_rows(name: str, make_queryset, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """``fetch_rows`` of a ``values_list()`` query that never changes (no parameters, values
    that need no converting: a small table read whole), its SQL compiled once per ``name`` and
    database rather than on every call; ``make_queryset()`` builds it when it must be."""
    key = (name, using, connections[using].vendor)
    sql = _kept_sql.get(key)
    if sql is None:
        queryset = make_queryset().using(using)
        compiler = queryset.query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return []
        selected = [column[0] for column in compiler.select[: compiler.col_count]]
        if params or compiler.has_extra_select or compiler.get_converters(selected):
            return fetch_rows(queryset)
        if len(_kept_sql) >= _KEPT_SQL:
            _kept_sql.clear()
        _kept_sql[key] = sql
    with prepared_cursor(using) as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


@functools.cache
def _cursor_classes(engine: str, alias: str, vendor: str):
    """The psycopg cursor class, and the wrapper that logs its statements when Django does."""
    if vendor != "postgresql":
        return None
    from django.db.backends.postgresql import base

    if not base.is_psycopg3:
        return None

    class PreparingCursor(base.ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    class LoggingWrapper(base.CursorDebugWrapper):
        # Django reads the statement it logs back from the cursor, which a prepared
        # statement's execution leaves empty; the statement with its values is logged instead.
        def execute(self, sql, params=None):
            with self.debug_sql(self.db.ops.compose_sql(sql, params)):
                return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)

    if engine.startswith("django_prometheus."):
        from django_prometheus.db.common import ExportingCursorWrapper

        return ExportingCursorWrapper(PreparingCursor, alias, vendor), LoggingWrapper
    return PreparingCursor, LoggingWrapper
