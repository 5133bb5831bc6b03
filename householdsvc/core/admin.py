"""Admin changelists that stay fast over millions of rows: the count, the search and the date
drill-down. Any app's ModelAdmin may reuse them.

Django's paginator counts the whole filtered table (``SELECT COUNT(*)``) on every page. At a
million service requests that count alone costs more than the page. ``EstimatedCountPaginator``
answers instead with:

- for an unfiltered changelist on PostgreSQL, the planner's row estimate (``pg_class.reltuples``,
  kept current by autovacuum) — one catalogue lookup, whatever the table's size;
- otherwise, a count capped at ``COUNT_CAP + 1`` rows: exact for small results, and "more than
  COUNT_CAP" for large ones, which no admin pages through anyway (they filter or search).

Use it with ``show_full_result_count = False`` so the admin does not count the table a second
time for its "N total" label.
"""

from __future__ import annotations

import calendar
import datetime
import html
from functools import lru_cache
from types import SimpleNamespace

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Max, Min, Q, QuerySet
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from householdsvc.core import admin_fetch, admin_kept_parts
from householdsvc.core.admin_rows import in_language
from householdsvc.core.prepared import prepared_cursor

# Beyond this many matches the admin shows "10,000" pages' worth as the count: an admin looking
# for something narrows the search long before page 100.
COUNT_CAP = 10_000


def capped_count(queryset: QuerySet, cap: int | None = None) -> int:
    """The number of rows, but never more than ``cap + 1`` (COUNT_CAP + 1 by default):
    ``COUNT(*)`` over a ``LIMIT``ed subquery, so the database stops reading there."""
    cap = COUNT_CAP if cap is None else cap
    return queryset.order_by()[: cap + 1].count()


def planner_row_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows in the queryset's table, or ``None`` when there is no
    usable one (another database, or a table never analysed: reltuples is -1 or 0)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    if not row or row[0] is None or row[0] <= 0:
        return None
    return int(row[0])


def is_unfiltered(queryset: QuerySet) -> bool:
    """True when the queryset reads its whole table (no WHERE, no DISTINCT, no slicing)."""
    query = queryset.query
    return not query.where and not query.distinct and not query.is_sliced and not query.combinator


def estimate_and_bounds(queryset: QuerySet, field_name: str) -> tuple[int | None, tuple] | None:
    """``planner_row_estimate`` and ``table_bounds`` of a whole PostgreSQL table in one
    statement, prepared once per connection (an unfiltered changelist page needs both: its count
    and its date drill-down); ``None`` where either would not be asked that way."""
    connection = connections[queryset.db]
    if "__" in field_name or connection.vendor != "postgresql" or not is_unfiltered(queryset):
        return None
    field = queryset.model._meta.get_field(field_name)
    if not field.concrete:
        return None
    quote = connection.ops.quote_name
    column, table = quote(field.column), quote(queryset.model._meta.db_table)
    with prepared_cursor(queryset.db) as cursor:
        cursor.execute(
            "SELECT (SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s::text)),"
            f" MIN({column}), MAX({column}) FROM {table}",
            [table],
        )
        estimate, first, last = cursor.fetchone()
    return (int(estimate) if estimate is not None and estimate > 0 else None), (first, last)


class EstimatedCountPaginator(Paginator):
    """A paginator whose ``count`` never scans the table (see the module docstring). Given
    ``bounds_of`` (the date drill-down's field), an unfiltered page's estimate comes with that
    column's first and last values, kept in ``table_bounds`` for the drill-down."""

    table_bounds = None

    def __init__(self, *args, bounds_of: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.bounds_of = bounds_of

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if not isinstance(object_list, QuerySet):
            return len(object_list)
        if is_unfiltered(object_list):
            both = estimate_and_bounds(object_list, self.bounds_of) if self.bounds_of else None
            if both is None:
                estimate = planner_row_estimate(object_list)
            else:
                estimate, self.table_bounds = both
            # A small or freshly loaded table has no trustworthy estimate; counting it is cheap.
            if estimate is not None and estimate > COUNT_CAP:
                return estimate
        return capped_count(object_list)


# --- Search ---------------------------------------------------------------------------------

# A search term naming more people than this is too vague to be useful; the first ones do
# (the lowest ids, the same ones on every page of the results).
USER_SEARCH_LIMIT = 500


def matching_user_ids(term: str) -> list[int]:
    """The users a search term names: the start of their email (any case), or, for a term
    without "@", part of their full name. Looked up in the users table first — far smaller
    than the requests — so the requests are then found through their indexed customer and
    professional columns instead of a LIKE over a join of a million rows."""
    users = get_user_model().objects.order_by("pk")
    matches = Q(email__istartswith=term)
    if "@" not in term:
        matches |= Q(full_name__icontains=term)
    return list(users.filter(matches).values_list("pk", flat=True)[:USER_SEARCH_LIMIT])


def search_people_and_numbers(queryset, term: str, *, number_fields=("pk",), text_fields=()):
    """Rows of ``queryset`` whose customer or professional the term names, or — for a number —
    whose ``number_fields`` equal it; ``text_fields`` are compared whole (pin codes)."""
    term = term.strip().lstrip("#")
    if not term:
        return queryset
    exact = Q(pk__in=[])
    for field in text_fields:
        exact |= Q(**{field: term})
    if term.isdigit() and len(term) <= 18:
        for field in number_fields:
            exact |= Q(**{field: int(term)})
        return queryset.filter(exact)
    people = matching_user_ids(term)
    return queryset.filter(exact | Q(customer_id__in=people) | Q(professional_id__in=people))


# --- Date drill-down --------------------------------------------------------------------------


def table_bounds(queryset: QuerySet, field_name: str) -> tuple:
    """``(MIN, MAX)`` of a column over the queryset. Over a whole PostgreSQL table, a statement
    prepared once per connection: the ORM's aggregate is a clone and a compilation each page,
    and PostgreSQL weighs every index of the table against the two probes each time it plans."""
    field = queryset.model._meta.get_field(field_name)
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or not is_unfiltered(queryset) or not field.concrete:
        bounds = queryset.order_by().aggregate(first=Min(field_name), last=Max(field_name))
        return bounds["first"], bounds["last"]
    quote = connection.ops.quote_name
    column, table = quote(field.column), quote(queryset.model._meta.db_table)
    with prepared_cursor(queryset.db) as cursor:
        cursor.execute(f"SELECT MIN({column}), MAX({column}) FROM {table}")
        return cursor.fetchone()


def bounded_date_hierarchy(cl) -> dict | None:
    """What the admin's ``date_hierarchy`` tag shows, without its ``SELECT DISTINCT`` over every
    matching row (a full scan at a million requests): the years offered are those between the
    table's first and last date (an indexed MIN/MAX), a year offers its twelve months and a
    month its days. A period may come up empty; the page stays fast."""
    field_name = cl.date_hierarchy
    if not field_name:
        return None
    year_field, month_field, day_field = (f"{field_name}__{part}" for part in ("year", "month", "day"))
    year, month, day = (cl.params.get(name) for name in (year_field, month_field, day_field))
    year, month, day = (
        int(value[-1] if isinstance(value, list) else value) if value else None
        for value in (year, month, day)
    )

    def link(filters):
        return cl.get_query_string(filters, [f"{field_name}__"])

    if year and month and day:
        date = datetime.date(year, month, day)
        return {
            "back": {
                "link": link({year_field: year, month_field: month}),
                "title": capfirst(formats.date_format(date, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(date, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        days = calendar.monthrange(year, month)[1]
        return {
            "back": {"link": link({year_field: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: number}),
                    "title": capfirst(
                        formats.date_format(datetime.date(year, month, number), "MONTH_DAY_FORMAT")
                    ),
                }
                for number in range(1, days + 1)
            ],
        }
    if year:
        return {
            "back": {"link": link({}), "title": "All dates"},
            "choices": [
                {
                    "link": link({year_field: year, month_field: number}),
                    "title": capfirst(
                        formats.date_format(datetime.date(year, number, 1), "YEAR_MONTH_FORMAT")
                    ),
                }
                for number in range(1, 13)
            ],
        }
    # The whole table's first and last dates: two probes of the index. The same over a filtered
    # queryset can walk most of that index looking for a rare match. An unfiltered page's
    # paginator read them with its estimate.
    bounds = getattr(cl.paginator, "table_bounds", None) or table_bounds(cl.root_queryset, field_name)
    if not bounds[0]:
        return {"back": None, "choices": []}
    first, last = (timezone.localtime(value) if timezone.is_aware(value) else value for value in bounds)
    return {
        "back": None,
        "choices": [
            {"link": link({year_field: str(number)}), "title": str(number)}
            for number in range(first.year, last.year + 1)
        ],
    }


# --- Together, for a ModelAdmin ----------------------------------------------------------------


_QUERY_STRINGS_KEPT = 4096
_query_strings: dict[tuple, str] = {}


def _hashable(params: dict) -> tuple:
    """The parameters as a key, in their order: each value with its type (``True`` and ``1``
    are equal keys but print apart), a list as a tuple; hash() checks the rest."""
    key = tuple(
        (name, type(value), tuple((type(v), v) for v in value) if isinstance(value, list) else value)
        for name, value in params.items()
    )
    hash(key)
    return key


class QuickLinkChangeList(ChangeList):
    """Each row's change link from one ``reverse()`` per page rather than one per row, and the
    page's rows read with only the columns the table shows when the admin names them
    (``list_only``): a request and its three joined rows are some eighty columns, most of them
    dates parsed for nothing. They are read as values and made into instances by hand
    (householdsvc.core.admin_fetch), the values kept in ``result_values`` for the rows' memo
    (householdsvc.core.admin_row_memo); what that cannot read goes through ``only()``. The
    actions and the filters keep the whole queryset."""

    result_values = None

    def get_results(self, request):
        super().get_results(request)
        fields = getattr(self.model_admin, "list_only", None)
        if fields and isinstance(self.result_list, QuerySet) and not self.list_editable:
            fetched = admin_fetch.light_rows(self.result_list, fields)
            if fetched is None:
                self.result_list = self.result_list.only(*fields)
            else:  # the values too: householdsvc.core.admin_row_memo keeps rows by them
                self.result_list, self.result_values = fetched

    def get_query_string(self, new_params=None, remove=None):
        """Django's, kept per filters, change and removal: a page asks for some seventy (each
        filter's choices, the pages, the date drill-down, the sort links), each a copy, a sort
        and an urlencode of the same parameters."""
        try:
            key = (_hashable(self.filter_params), _hashable(new_params or {}), tuple(remove or ()))
        except TypeError:  # a value that cannot be a key: Django's, as it is
            return super().get_query_string(new_params, remove)
        found = _query_strings.get(key)
        if found is None:
            if len(_query_strings) >= _QUERY_STRINGS_KEPT:
                _query_strings.clear()
            found = _query_strings[key] = super().get_query_string(new_params, remove)
        return found

    def url_for_result(self, result):  # a function of the primary key (admin_row_memo)
        pk = getattr(result, self.pk_attname)
        if not isinstance(pk, int):
            return super().url_for_result(result)
        if not hasattr(self, "_change_url"):
            placeholder = super().url_for_result(SimpleNamespace(**{self.pk_attname: 0}))
            self._change_url = placeholder.rsplit("/0/", 1)
        head, tail = self._change_url
        return f"{head}/{pk}/{tail}"

    url_for_result.from_primary_key = True


@lru_cache(maxsize=16)
def _checkbox_label(language: str | None) -> str:
    """The checkbox's label in a language: translated once, not once per row (a missing entry
    walks every catalogue of the language)."""
    return _("Select this object for an action - {}")


class ScalableChangelistMixin:
    """No COUNT(*) over the table per page, a date drill-down that does not scan it, and rows
    built without a form widget or a URL lookup each (a third of a 100-row page's time)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # Facet counts are a COUNT per filter choice over the whole table: never offered here.
    show_facets = admin.ShowFacets.NEVER
    change_list_template = "admin/bounded_change_list.html"

    def get_changelist(self, request, **kwargs):
        return QuickLinkChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if not issubclass(self.paginator, EstimatedCountPaginator):
            return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, bounds_of=self.date_hierarchy
        )

    @in_language
    def action_checkbox(self, obj, language):
        """Django's checkbox column, written out: the same HTML as its ``CheckboxInput`` render,
        which goes through the template engine once per row."""
        # format_html's result, put together by hand (two of them a row): the label's text is
        # escaped into the translated sentence, which itself is the catalogue's, left as is.
        # html.escape is what django.utils.html.escape does, without its lazy-argument wrapper.
        label = _checkbox_label(language).format(html.escape(str(obj)))
        return mark_safe(
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{html.escape(str(obj.pk))}"'
            f' class="action-select" aria-label="{label}">'
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["bounded_date_hierarchy"] = bounded_date_hierarchy(context["cl"])
            if "media" in context:
                context["media"] = admin_kept_parts.kept_media(context["media"])
        return response


class ReadOnlyAdminMixin:
    """Shows rows without letting anyone add, edit or delete them here: they are written by
    services (and audit trails are never edited)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
