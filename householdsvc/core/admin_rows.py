"""``{% scalable_result_list cl %}``: the changelist's table with Django's HTML, its cells worked
out the cheap way (templates/admin/bounded_change_list.html uses it in place of ``result_list``).

Django's ``items_for_result`` does for every cell of every row what only changes per column:
it looks the column up on the model (``lookup_field``), rebuilds a field's choices as a dict
with every lazy label hashed, which translates each of them (``display_for_field``), resolves
the date format, and parses and rebuilds the change link's URL to keep the filters. At 100
rows of eight columns that was four fifths of the page. Here each column is resolved once per
page into a small function, a choice label is translated once per page, the filters' suffix of
the change link is worked out once, and a row is a few string joins: the same markup, cell for
cell (tests/backoffice/test_changelist_rows.py compares it with Django's own).

Whatever this does not cover (an editable list, a popup, a ``to_field``) goes through Django.
"""

from __future__ import annotations

import datetime
import functools
import html
from collections.abc import Callable

from django import template
from django.conf import settings
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils import formats
from django.utils.hashable import make_hashable
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from householdsvc.core.admin_kept_parts import (
    KeptActionsNode,
    KeptPaginationNode,
    KeptResultListNode,
    KeptSearchFormNode,
    kept_date_hierarchy,
)
from householdsvc.core.admin_row_memo import kept_rows
from householdsvc.core.admin_sidebar import (
    cached_app_list,
    cached_nav_sidebar,
    kept_list_filter,
)
from householdsvc.core.datefmt import MemoFormat

register = template.Library()
# The sidebar, kept per language, page and links (householdsvc/core/admin_sidebar.py).
register.simple_tag(cached_nav_sidebar, takes_context=True, name="cached_nav_sidebar")
register.simple_tag(kept_list_filter, name="kept_list_filter")
register.simple_tag(cached_app_list, takes_context=True, name="cached_app_list")
register.simple_tag(kept_date_hierarchy, takes_context=True, name="kept_date_hierarchy")


class _Column:
    """One column of the table: its ``class`` attribute (without and with ``nowrap``), whether
    it holds the change link, and ``cell(result) -> (html, nowrap)``."""

    __slots__ = ("attrs", "cell", "link", "nowrap_attrs")

    def __init__(self, classes: str, link: bool, cell: Callable):
        self.attrs, self.nowrap_attrs = f' class="{classes}"', f' class="{classes} nowrap"'
        self.link, self.cell = link, cell


_TEXT = (str, SafeString)


def _blank_as_empty(value):
    """As items_for_result: a string of spaces is shown as the empty value."""
    return "" if isinstance(value, str) and value.strip() == "" else value


def _model_field(opts, name):
    try:
        return _get_non_gfk_field(opts, name)
    except Exception:  # FieldDoesNotExist, FieldIsAForeignKeyColumnName: not a plain field
        return None


def in_language(method):
    """An admin column ``method(model_admin, obj, language)`` as the admin's ``(model_admin,
    obj)``: Django (and anyone) calls it with the active language, the table with the language
    it reads once per page (``get_language`` is a context-variable lookup, and a page of
    columns asked for it some seven hundred times)."""

    @functools.wraps(method)
    def column(model_admin, obj):
        return method(model_admin, obj, get_language())

    column.with_language = method
    return column


def _value_cell(name, model_admin, empty, language):
    """A callable, an admin method or a model attribute: lookup_field's value, then
    display_for_value. The first two are resolved here once (lookup_field tries the model's
    fields first, raising and catching an exception per cell)."""
    if callable(name):
        attr = call = name
    elif hasattr(model_admin, name) and name != "__str__":
        attr = call = getattr(model_admin, name)
        in_page_language = getattr(attr, "with_language", None)
        if in_page_language is not None:
            call = functools.partial(_call_in, in_page_language, model_admin, language)
    else:
        attr = call = None
    if attr is not None:
        boolean = getattr(attr, "boolean", False)
        empty = getattr(attr, "empty_value_display", empty)

    def cell(result):
        if call is None:
            return _model_attribute_cell(name, model_admin, empty, result)
        try:
            value = _blank_as_empty(call(result))
        except ObjectDoesNotExist:
            return empty, False
        if type(value) in _TEXT and value and not boolean:
            return value, False  # what display_for_value makes of a non-empty string: itself
        return display_for_value(value, empty, boolean), isinstance(value, datetime.date | datetime.time)

    return cell


def _call_in(method, model_admin, language, obj):
    return method(model_admin, obj, language)


def _model_attribute_cell(name, model_admin, empty, result):
    try:
        _field, attr, value = lookup_field(name, result, model_admin)
    except ObjectDoesNotExist:
        return empty, False
    value = _blank_as_empty(value)
    boolean = getattr(attr, "boolean", False)
    if isinstance(attr, property) and hasattr(attr, "fget"):
        boolean = getattr(attr.fget, "boolean", False)
    shown = display_for_value(value, getattr(attr, "empty_value_display", empty), boolean)
    return shown, isinstance(value, datetime.date | datetime.time)


def _field_cell(field, empty, *, link: bool):
    """A concrete model field, with items_for_result's and display_for_field's rules resolved
    for its type, in their order."""
    attname = field.attname
    if isinstance(field.remote_field, models.ManyToOneRel):
        name = field.name

        def shown(result):
            related = getattr(result, name)
            return empty if related is None else related

    elif getattr(field, "flatchoices", None):
        labels = {make_hashable(value): str(label) for value, label in field.flatchoices}

        def shown(result):
            return labels.get(make_hashable(_blank_as_empty(getattr(result, attname))), empty)

    elif isinstance(field, models.DateTimeField):
        # formats.localize(template_localtime(value)), each piece of the format made once.
        shape = MemoFormat(formats.get_format("DATETIME_FORMAT"), for_page=True)
        empty_values = field.empty_values

        def shown(result):
            value = getattr(result, attname)
            return empty if value in empty_values else shape(value)

    else:

        def shown(result):
            value = _blank_as_empty(getattr(result, attname))
            return display_for_field(value, field, empty, avoid_link=link)

    nowrap = isinstance(field, models.DateField | models.TimeField | models.ForeignKey)
    return lambda result: (shown(result), nowrap)


def _auto_field_cell(field, empty):
    """An auto-created field (the primary key): display_for_value, which for an int without
    thousand separators is its digits."""
    attname = field.attname
    plain_int = not settings.USE_THOUSAND_SEPARATOR

    def cell(result):
        value = getattr(result, attname)
        if plain_int and type(value) is int:
            return str(value), False
        return display_for_value(value, empty), isinstance(value, datetime.date | datetime.time)

    return cell


def _columns(cl) -> list[_Column]:
    model_admin, opts = cl.model_admin, cl.lookup_opts
    empty = model_admin.get_empty_value_display()
    language = get_language()
    columns, first = [], True
    for index, name in enumerate(cl.list_display):
        if cl.list_display_links is None:
            link = False
        else:
            link = (first and not cl.list_display_links) or name in cl.list_display_links
        if link:
            first = False
        classes = f"field-{admin_list._coerce_field_name(name, index)}"
        if name == "action_checkbox":
            classes = "action-checkbox"
        field = None if callable(name) else _model_field(opts, name)
        if field is None:
            cell = _value_cell(name, model_admin, empty, language)
        elif field.auto_created:
            cell = _auto_field_cell(field, empty)
        else:
            cell = _field_cell(field, empty, link=link)
        columns.append(_Column(classes, link, cell))
    return columns


def _link_maker(cl):
    """``url(result)``: the change link with the filters kept, as Django builds it. Every row's
    link is a change view's URL without a query, so what ``add_preserved_filters`` appends is
    the same for all: worked out on the first row, then appended."""
    context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    suffix = None

    def url(result):
        nonlocal suffix
        plain = cl.url_for_result(result)
        if "?" in plain:
            return add_preserved_filters(context, plain)
        if suffix is None:
            full = add_preserved_filters(context, plain)
            if not full.startswith(plain):
                return full
            suffix = full[len(plain) :]
        return plain + suffix

    return url


def _escaped(value) -> str:
    """``conditional_escape`` without its lazy-argument wrapper (a few thousand calls a page)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _cells(columns, url, result) -> str:
    """The row's cells, every part escaped: what Django's ``{% for item in result %}`` prints."""
    cells, first = [], True
    for column in columns:
        shown, nowrap = column.cell(result)
        # Django's class attribute is not escaped either: the names are the admin's own.
        attrs = column.nowrap_attrs if nowrap else column.attrs
        if column.link:
            tag = "th" if first else "td"
            first = False
            try:
                target = url(result)
            except NoReverseMatch:
                inner = _escaped(shown)
            else:
                inner = f'<a href="{_escaped(target)}">{_escaped(shown)}</a>'
            cells.append(f"<{tag}{attrs}>{inner}</{tag}>")
        else:
            cells.append(f"<td{attrs}>{_escaped(shown)}</td>")
    return "".join(cells)


def _covered(cl) -> bool:
    return not cl.formset and not cl.is_popup and not cl.to_field


def scalable_results(cl):
    """``admin_list.results(cl)``: each row as one safe string of its cells."""
    if not _covered(cl):
        return list(admin_list.results(cl))
    columns, url = _columns(cl), _link_maker(cl)
    # every part escaped by _cells
    return [admin_list.ResultList(None, [mark_safe(_cells(columns, url, row))]) for row in cl.result_list]


def _body(cl):
    """The table's rows as the template's loop prints them, or ``None`` where Django's do."""
    if not _covered(cl):
        return None
    url, columns = _link_maker(cl), []

    def render(result):
        if not columns:  # worked out for the first row not kept (householdsvc.core.admin_row_memo)
            columns.extend(_columns(cl))
        return f"\n\n<tr>{_cells(columns, url, result)}</tr>\n"

    rows = kept_rows(cl, url, render)
    if rows is None:
        rows = [render(result) for result in cl.result_list]
    return mark_safe("".join(rows) + "\n")  # every part escaped by _cells


def scalable_result_list(cl):
    """``admin_list.result_list`` with the rows from ``_body``."""
    headers = list(admin_list.result_headers(cl))
    body = _body(cl)
    return {
        "cl": cl,
        "result_hidden_fields": list(admin_list.result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": list(admin_list.results(cl)) if body is None else cl.result_list,
        "body": body,
    }


@register.tag(name="kept_admin_actions")
def kept_admin_actions_tag(parser, token):
    """``{% admin_actions %}``, its output kept (householdsvc.core.admin_kept_parts)."""
    return KeptActionsNode(parser, token, func=admin_list.admin_actions, template_name="actions.html")


@register.tag(name="kept_pagination")
def kept_pagination_tag(parser, token):
    """``{% pagination cl %}``, its output kept (householdsvc.core.admin_kept_parts)."""
    return KeptPaginationNode(
        parser, token, func=admin_list.pagination, template_name="pagination.html", takes_context=False
    )


@register.tag(name="kept_search_form")
def kept_search_form_tag(parser, token):
    """``{% search_form cl %}``, its output kept (householdsvc.core.admin_kept_parts)."""
    return KeptSearchFormNode(
        parser, token, func=admin_list.search_form, template_name="search_form.html", takes_context=False
    )


@register.tag(name="scalable_result_list")
def scalable_result_list_tag(parser, token):
    return KeptResultListNode(
        parser,
        token,
        func=scalable_result_list,
        body=_body,
        template_name="bounded_change_list_results.html",
        takes_context=False,
    )
