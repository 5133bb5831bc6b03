"""A model instance from a row read with a statement of our own, as the ORM makes it.

For the reads on every request of a hot path (the bearer token's user, a location batch's
request row), building and compiling a queryset, or resolving a raw query's columns, cost more
than the query: the statement is made once, and the row becomes an instance here, with the
fields' database converters applied as the ORM applies them (none on PostgreSQL for most
types; SQLite's dates and booleans, any field's ``from_db_value``), the fields not read left
deferred, loaded if asked for.

Which field each value fills and which converters it goes through depend only on the model,
the columns read and the database, so they are worked out once per statement shape
(``_plan``): matching the columns against every field of the model and asking each field for
its converters cost more, for a row of eight columns, than making the instance.
"""

import functools

from django.db import connections
from django.db.models import Model
from django.db.models.base import DEFERRED


@functools.lru_cache(maxsize=256)
def _plan(model: type[Model], attnames: tuple[str, ...], alias: str) -> tuple[list, list[tuple]]:
    """A value per concrete field (``DEFERRED`` for those not read), and for each value read:
    (its place in the row, its field's place among the model's, the converters, the column).
    The converters are the database's (its vendor and settings), the same for every connection
    of the alias."""
    connection = connections[alias]
    meta = model._meta
    place = {attname: index for index, attname in enumerate(attnames)}
    if len(place) != len(attnames):
        raise ValueError(f"A column is read twice: {attnames}")
    unknown = set(attnames) - {field.attname for field in meta.concrete_fields}
    if unknown:
        raise ValueError(f"No such fields of {model.__name__}: {sorted(unknown)}")
    template, steps = [], []
    for slot, field in enumerate(meta.concrete_fields):
        template.append(DEFERRED)
        if field.attname in place:
            column = field.get_col(meta.db_table)
            converters = tuple(
                connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            )
            steps.append((place[field.attname], slot, converters, column))
    return template, steps


def instance_from_row(model: type[Model], attnames: list[str], row, *, connection) -> Model:
    """``model`` from ``row``, the values of the fields whose ``attname`` are ``attnames``, in
    any order (``Model.from_db`` takes them in the model's own)."""
    if len(row) != len(attnames):
        raise ValueError(f"{len(row)} values for {len(attnames)} fields")
    template, steps = _plan(model, tuple(attnames), connection.alias)
    values = template.copy()
    for index, slot, converters, column in steps:
        value = row[index]
        for convert in converters:
            value = convert(value, column, connection)
        values[slot] = value
    # One value per concrete field: from_db makes the instance from them as they are.
    return model.from_db(connection.alias, attnames, values)
