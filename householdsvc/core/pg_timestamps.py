"""``timestamptz`` columns read by psycopg's compiled loader instead of Django's Python one.

Django's PostgreSQL backend loads every ``timestamptz`` through a subclass of psycopg's
*Python* ``TimestamptzLoader`` (``SpecificTzLoader``, which sets the connection's time zone on
each value): some 30 times slower than the loader psycopg's C extension registers by default.
A page of 50 requests reads about 200 such values: parsing them was a tenth of the API list.

With ``USE_TZ`` and the connection in UTC (Django sets it so when the database's ``TIME_ZONE``
is not set, as here), both loaders give the same values: an aware ``datetime`` whose tzinfo is
``datetime.timezone.utc``. Only then is the compiled one put in place, on each connection as it
is made; anywhere else (SQLite, psycopg without its C extension, another time zone) nothing
changes. A ``SET TIME ZONE`` run by hand on a connection would change what the compiled loader
returns (it follows the connection) where Django's kept UTC; nothing here runs one.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.backends.signals import connection_created


def _compiled_loader():
    """psycopg's default text loader for timestamptz when it is the C one, else None."""
    try:
        import psycopg
        from psycopg.pq import Format
    except ImportError:
        return None
    oid = psycopg.postgres.types["timestamptz"].oid
    loader = psycopg.adapters.get_loader(oid, Format.TEXT)
    from psycopg.types.datetime import TimestamptzLoader as PythonLoader

    return None if loader is None or loader is PythonLoader else loader


_COMPILED = _compiled_loader()


if _COMPILED is not None:
    from psycopg.adapt import Loader

    class CompiledUtcTimestamptzLoader(Loader):
        """Django's ``SpecificTzLoader`` for UTC, parsing with psycopg's C loader."""

        # Django's create_cursor() compares this with the connection's time zone and registers
        # its own loader on the cursor when they differ.
        timezone = datetime.UTC

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            # psycopg calls the loader's `load` for each value: the C loader's own, bound.
            self.load = _COMPILED(oid, context).load

        def load(self, data):  # pragma: no cover - replaced per instance in __init__
            raise NotImplementedError


def _use_compiled_loader(sender, connection, **kwargs) -> None:
    if _COMPILED is None or connection.vendor != "postgresql" or not settings.USE_TZ:
        return
    if connection.timezone is not datetime.UTC:
        return
    pgconn = connection.connection
    if getattr(pgconn, "adapters", None) is None:  # psycopg2 has none
        return
    pgconn.adapters.register_loader("timestamptz", CompiledUtcTimestamptzLoader)


def use_compiled_timestamp_loader() -> None:
    """Put the compiled loader on every PostgreSQL connection made from now on."""
    connection_created.connect(_use_compiled_loader, dispatch_uid="householdsvc.pg_timestamps")
