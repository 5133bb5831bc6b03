"""Writing an export's rows as CSV into an open binary file, in constant memory.

On PostgreSQL the database writes the CSV itself: ``COPY (<the ORM's SQL>) TO STDOUT`` through
psycopg 3, whose blocks go straight to the file, so Python never holds a row object. Elsewhere
(the embedded SQLite) a chunked ``iterator()`` feeds ``csv.writer``. Both call ``on_progress``
every ``PROGRESS_EVERY_ROWS`` rows, never per row, and return the exact number of rows written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import BinaryIO

from django.conf import settings
from django.db import connection

from exports.queries import export_queryset, headers

PROGRESS_EVERY_ROWS = getattr(settings, "EXPORT_PROGRESS_EVERY_ROWS", 10_000)
ITERATOR_CHUNK_SIZE = 2_000

ProgressCallback = Callable[[int], None]


def write_csv(kind: str, filters: dict, out: BinaryIO, on_progress: ProgressCallback) -> int:
    if connection.vendor == "postgresql":
        return _write_with_copy(kind, filters, out, on_progress)
    return _write_with_iterator(kind, filters, out, on_progress)


def copy_sql(kind: str, filters: dict) -> tuple[str, tuple]:
    """The ``COPY`` statement and its parameters: the ORM's parameterised SELECT, its columns
    renamed to the export's headers (the benchmark runs the same statement through psql)."""
    sql, params = export_queryset(kind, filters).query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(header) for header in headers(kind))
    statement = (
        f"COPY (SELECT * FROM ({sql}) AS export_rows ({names})) TO STDOUT WITH (FORMAT csv, HEADER true)"
    )
    return statement, params


def _write_with_copy(kind: str, filters: dict, out: BinaryIO, on_progress: ProgressCallback) -> int:
    statement, params = copy_sql(kind, filters)
    # Newlines counted in the stream are rows, give or take a quoted field with a line break
    # in it: good enough for a progress bar; the exact count comes from COPY's command tag.
    lines = 0
    next_report = PROGRESS_EVERY_ROWS
    connection.ensure_connection()
    with connection.cursor() as cursor:
        # Django's cursor is psycopg's client-side-binding cursor, so the parameters are
        # quoted by psycopg into the statement, never pasted in by us.
        raw_cursor = cursor.cursor
        with raw_cursor.copy(statement, params) as copy:
            for block in copy:
                out.write(block)
                lines += bytes(block).count(b"\n")
                if lines - 1 >= next_report:
                    on_progress(lines - 1)
                    next_report = lines - 1 + PROGRESS_EVERY_ROWS
        return raw_cursor.rowcount


def _csv_value(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value


def _write_with_iterator(kind: str, filters: dict, out: BinaryIO, on_progress: ProgressCallback) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(headers(kind))
    rows = 0
    for row in export_queryset(kind, filters).iterator(chunk_size=ITERATOR_CHUNK_SIZE):
        writer.writerow([_csv_value(value) for value in row])
        rows += 1
        if rows % PROGRESS_EVERY_ROWS == 0:
            on_progress(rows)
    text.flush()
    text.detach()  # hand the binary file back open
    return rows
