"""A changelist page's rows read as plain values and made into model instances by hand.

``.only(...)`` with ``select_related`` still builds each row the ORM's way: ``Model.from_db``
and ``Model.__init__`` (with their pre/post-init signals) for the request and for each of its
joined rows, through the related populators: four instances a row, about a fifth of the
request changelist's time. The page needs a dozen values a row; ``values_list`` reads exactly
those, and the instances are put together from them (``__dict__`` and ``_state``, which is what
``from_db`` leaves behind): the admin's columns, ``str(obj)`` and the change links get real
instances, and a field not read is deferred, loaded on first use as with ``only()``.

The joins to the related tables are made over the page's primary keys only (``pk IN (the page's
sliced query)``, ordered as the page): joined to a million-row table under an ``ORDER BY …
LIMIT``, PostgreSQL takes about twice as long to plan and run the same page.

The unfiltered page's statement, having no parameters, is prepared once per connection.

Whatever this cannot read that way (a path two relations deep, a model with init signals or its
own ``from_db``, an ordering on an annotation) is left to ``only()``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from householdsvc.core.prepared import plain_query, prepared_cursor


def _plain(field) -> bool:
    return field.concrete and not field.is_relation


def _forward(field) -> bool:
    """A foreign key (or one-to-one) to its model's primary key."""
    return (
        field.concrete
        and (field.many_to_one or field.one_to_one)
        and field.remote_field is not None
        and field.target_field.primary_key
    )


def _buildable(model) -> bool:
    return (
        model.from_db.__func__ is models.Model.from_db.__func__
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


def plan(model, names) -> tuple[list[str], list[str], dict] | None:
    """``(paths, attnames, relations)``: the ``values_list`` paths, the instance's own attnames
    (the first ``len(attnames)`` paths), and per relation its field and the related model's
    attnames with their paths' positions. ``None`` for what ``only()`` must do."""
    opts = model._meta
    if not _buildable(model):
        return None
    own = [opts.pk.attname]
    relations: dict[str, tuple] = {}
    related_names: list[tuple[str, str]] = []
    for name in names:
        head, _, rest = name.partition("__")
        try:
            field = opts.get_field(head)
        except Exception:  # FieldDoesNotExist: not something values_list can read
            return None
        if rest:
            if not _forward(field) or "__" in rest:
                return None
            try:
                remote = field.related_model._meta.get_field(rest)
            except Exception:
                return None
            if not _plain(remote) or not _buildable(field.related_model):
                return None
            related_names.append((head, remote.attname))
            relations.setdefault(head, (field, []))
        elif _forward(field):
            relations.setdefault(head, (field, []))
        elif _plain(field):
            pass
        else:
            return None
        attname = field.attname
        if attname not in own:
            own.append(attname)
    for field, _names in relations.values():
        if field.attname not in own:
            own.append(field.attname)
    paths = list(own)
    for head, attname in related_names:
        relations[head][1].append((attname, len(paths)))
        paths.append(f"{head}__{attname}")
    return paths, own, relations


def page_values(queryset):
    """The sliced page's ``values_list`` query: over ``pk IN`` the page when its ordering can be
    repeated outside it, else the page's own query."""
    query = queryset.query
    ordering = query.order_by
    if not ordering or query.annotations or query.extra or query.combinator:
        return queryset
    page_keys = queryset.values("pk")
    return queryset.model._base_manager.using(queryset.db).filter(pk__in=page_keys).order_by(*ordering)


_STATEMENTS_KEPT = 256
# The unfiltered page's statement per its shape: (SQL, how many columns to keep or None).
_statements: dict[tuple, tuple[str, int | None]] = {}


def _statement_key(queryset, paths) -> tuple | None:
    """Everything the SQL of an unfiltered page's values depends on (the model, the database,
        the columns, an ordering of field names, the slice and its direction), or ``None`` for any
    other page."""
    query = queryset.query
    ordering = tuple(query.order_by)
    if query.where or not ordering or not plain_query(query):
        return None
    slice_ = (query.low_mark, query.high_mark, query.standard_ordering)
    return (queryset.model._meta.label, queryset.db, tuple(paths), ordering, slice_)


def _run_prepared(db: str, sql: str, width: int | None) -> list[tuple]:
    with prepared_cursor(db) as cursor:
        cursor.execute(sql)
        fetched = cursor.fetchall()
    if width is not None:  # ordering columns beyond the values, which execute_sql drops too
        return [tuple(row[:width]) for row in fetched]
    return [tuple(row) for row in fetched]


def _read(db: str, key: tuple | None, make_query) -> list[tuple]:
    """The values query's rows. A statement without parameters (the unfiltered page: its limit
    and offset are written into the SQL) is prepared once per connection on PostgreSQL, where
    planning the four-table join costs about as much as running it; without parameters the
    generic plan is the very plan a fresh planning makes. A filtered page (parameters, whose
    values may call for another plan) is planned each time, as Django does. The unfiltered
    page's SQL is kept by ``key`` when its values need no converter, so it is compiled once
    (``make_query()`` builds the values query when it is needed)."""
    kept = _statements.get(key) if key is not None else None
    if kept is not None:
        return _run_prepared(db, *kept)
    query = make_query()
    if connections[db].vendor != "postgresql":
        return list(query)
    compiler = query.query.get_compiler(using=query.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    if params:
        return list(query)
    width = compiler.col_count if compiler.has_extra_select else None
    converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
    if converters:
        rows = _run_prepared(db, sql, None)
        if width is not None:
            rows = [row[:width] for row in rows]
        return list(compiler.results_iter([rows], tuple_expected=True))
    if key is not None:
        if len(_statements) >= _STATEMENTS_KEPT:
            _statements.clear()
        _statements[key] = (sql, width)
    return _run_prepared(db, sql, width)


def light_rows(queryset, names) -> tuple[LazyRows, list] | None:
    """The page's rows as instances holding exactly ``names`` (``list_only``'s spelling) and
    their related rows (made when first used), with the tuple of values each is made of;
    ``None`` when ``plan`` says only() must do it."""
    model = queryset.model
    layout = plan(model, names)
    if layout is None:
        return None
    paths, own, relations = layout
    db = queryset.db
    related = [
        (
            field.name,
            own.index(field.attname),
            field.related_model,
            field.target_field.attname,
            attnames,
        )
        for field, attnames in relations.values()
    ]
    key = _statement_key(queryset, paths) if connections[db].vendor == "postgresql" else None
    read = _read(db, key, lambda: page_values(queryset).values_list(*paths))
    return LazyRows(len(read), lambda: _instances(model, db, own, related, read)), read


class LazyRows(Sequence):
    """The page's instances, made on first use: a page whose rows are all kept by their values
    (householdsvc.core.admin_row_memo) needs only how many there are."""

    def __init__(self, count: int, make):
        self._count, self._make, self._rows = count, make, None

    def _all(self) -> list:
        if self._rows is None:
            self._rows = self._make()
        return self._rows

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())


def _instances(model, db, own, related, read) -> list:
    new, width, rows = object.__new__, len(own), []
    for values in read:
        obj = new(model)
        obj.__dict__.update(zip(own, values[:width], strict=True))
        state = obj._state = ModelState()
        state.adding, state.db = False, db
        cache = state.fields_cache
        for name, key_at, remote_model, remote_pk, attnames in related:
            key = values[key_at]
            if key is None:
                cache[name] = None
                continue
            remote = new(remote_model)
            remote.__dict__[remote_pk] = key
            for attname, at in attnames:
                remote.__dict__[attname] = values[at]
            remote_state = remote._state = ModelState()
            remote_state.adding, remote_state.db = False, db
            cache[name] = remote
        rows.append(obj)
    return rows
