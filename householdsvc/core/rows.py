"""A model instance from a row read with a statement of our own, as the ORM makes it.

For the reads on every request of a hot path (the bearer token's user, a location batch's
request row), building and compiling a queryset, or resolving a raw query's columns, cost more
than the query: the statement is made once, and the row becomes an instance here, with the
fields' database converters applied as the ORM applies them (none on PostgreSQL for most
types; SQLite's dates and booleans, any field's ``from_db_value``), the fields not read left
deferred, loaded if asked for.
"""

from django.db.models import Model


def instance_from_row(model: type[Model], attnames: list[str], row, *, connection) -> Model:
    """``model`` from ``row``, the values of the fields whose ``attname`` are ``attnames``, in
    any order (``Model.from_db`` takes them in the model's own)."""
    meta = model._meta
    read = dict(zip(attnames, row, strict=True))
    names, values = [], []
    for field in meta.concrete_fields:
        if field.attname in read:
            column = field.get_col(meta.db_table)
            value = read[field.attname]
            for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
                value = convert(value, column, connection)
            names.append(field.attname)
            values.append(value)
    return model.from_db(connection.alias, names, values)
