"""A changelist row's HTML kept by the very values it shows.

When a page's rows are read as values (householdsvc.core.admin_fetch) and the admin declares
that its columns show nothing but those values (``list_cells_from_values = True``: no clock, no
user, no other row), a row's cells are a function of the values, the change link and the page's
settings (columns, language, time zone). The HTML is then kept under exactly that: a row whose
data changed has other values, so another key: nothing to invalidate, and nothing of one
user's (the link and the values are in the key, the cells hold nothing else). The top pages of
a list are viewed again and again; their rows cost a dict lookup instead of nine cells' work.

A row whose rendering touched the database (a column reading a field ``list_only`` leaves out,
or another row) is not kept: its cells depend on more than its values.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connections
from django.urls import NoReverseMatch, get_script_prefix
from django.utils import formats, timezone
from django.utils.translation import get_language

KEPT_ROWS = 5_000
_rows: dict[tuple, str] = {}


def _forget_all(**kwargs) -> None:
    """Settings changed (in tests): formats and the like may differ for the same key."""
    _rows.clear()


setting_changed.connect(_forget_all, dispatch_uid="admin_row_memo")


def _page_key(cl) -> tuple:
    model_admin = cl.model_admin
    return (
        type(model_admin).__module__,
        type(model_admin).__qualname__,
        tuple(cl.list_display),
        None if cl.list_display_links is None else tuple(cl.list_display_links),
        str(model_admin.get_empty_value_display()),
        get_language(),
        timezone.get_current_timezone_name(),
        str(formats.get_format("DATETIME_FORMAT")),
        settings.USE_THOUSAND_SEPARATOR,
    )


def _link(url, result):
    try:
        return url(result)
    except NoReverseMatch:
        return None


class _QueryWatch:
    """An execute wrapper noting whether a statement ran."""

    seen = False

    def __call__(self, execute, sql, params, many, context):
        self.seen = True
        return execute(sql, params, many, context)


def _forget_oldest() -> None:
    with contextlib.suppress(KeyError, RuntimeError, StopIteration):  # another thread was first
        del _rows[next(iter(_rows))]


def kept_rows(cl, url, render) -> list[str] | None:
    """Each row's ``render(result)``, kept by its values; ``None`` when the page does not qualify
    (rows not read as values, or the admin not declaring ``list_cells_from_values``)."""
    values = getattr(cl, "result_values", None)
    if values is None or not getattr(cl.model_admin, "list_cells_from_values", False):
        return None
    # A link made of the primary key alone (among the values) and the page's filters needs no
    # instance: it is in the key through them; another changelist's link is put in the key.
    by_key = getattr(type(cl).url_for_result, "from_primary_key", False)
    page = _page_key(cl)
    if by_key:
        page = (*page, get_script_prefix(), cl.model_admin.admin_site.name, cl.preserved_filters)
    database = connections[cl.queryset.db]
    rows, out = cl.result_list, []
    for index, shown in enumerate(values):
        key = (page, shown) if by_key else (page, shown, _link(url, rows[index]))
        try:
            html = _rows.get(key)
        except TypeError:  # a value that cannot be a key (a JSON list…): not kept
            out.append(render(rows[index]))
            continue
        if html is None:
            result = rows[index]
            watch = _QueryWatch()
            with database.execute_wrapper(watch):
                html = render(result)
            if not watch.seen:
                if len(_rows) >= KEPT_ROWS:
                    _forget_oldest()
                _rows[key] = html
        out.append(html)
    return out
