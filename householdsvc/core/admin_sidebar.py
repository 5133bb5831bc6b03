"""The admin's navigation sidebar and list filters, each rendered once per language and content.

Django renders ``admin/nav_sidebar.html`` on every admin page: a table row for each of the
site's two dozen models, each with its translated words, URL comparisons and filters — a tenth
of a changelist's time. What comes out depends only on the links the user may see
(``available_apps``, already worked out by ``AdminSite.each_context``), the page's path (the
current model is marked) and the language; so the HTML Django's template makes is kept for
those, and rendered again whenever one of them differs. ``{% cached_nav_sidebar %}`` is used in
place of the ``include`` by templates/admin/base_site.html (every admin page) and
bounded_change_list.html; ``{% cached_app_list %}`` likewise keeps the admin index's list of
models (templates/admin/index.html). The site's own app lists carry their ``links`` (worked out
once per set of rights: householdsvc/core/backoffice_site.py), so a page's key costs nothing.

A list filter likewise: ``{% kept_list_filter cl spec %}`` works out the filter's choices as
``admin_list_filter`` does and renders the filter's template only for choices (their links,
labels and which is selected), a title and a language it has not rendered yet; and one of
Django's own filters is kept by its state as well, so that its choices are not worked out
again (a link and a query string each) for a state already printed.

``kept`` is that store, for others that keep a template's output (core/admin_kept_parts.py).
"""

from __future__ import annotations

import datetime
import decimal
from collections import OrderedDict

from django.contrib.admin import filters
from django.db import models
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

_KEEP = 1024  # the sidebars, filters, tables' frames, actions bars and paginations kept
_rendered: OrderedDict[tuple, str] = OrderedDict()


def links(available_apps) -> tuple:
    """Everything of ``available_apps`` that app_list.html prints or compares (the site's kept
    lists carry theirs, worked out when they were kept: householdsvc/core/backoffice_site.py)."""
    kept = getattr(available_apps, "links", None)
    if kept is not None:
        return kept
    return tuple(
        (
            app["app_label"],
            app["app_url"],
            str(app["name"]),
            tuple(
                (
                    model["object_name"],
                    str(model["name"]),
                    model.get("admin_url"),
                    model.get("add_url"),
                    model.get("view_only"),
                )
                for model in app["models"]
            ),
        )
        for app in available_apps
    )


def _kept(key, render) -> str:
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = render()
        if len(_rendered) > _KEEP:
            _rendered.popitem(last=False)
    return mark_safe(html)  # Django's own template's output


kept = _kept  # the store, for core/admin_kept_parts.py


def _text(value) -> tuple[str, bool]:
    """A label as the template prints it: its text, and whether it is escaped there."""
    return str(value), isinstance(value, SafeData)


# The choices() of Django's own filters: what they yield comes from the filter's state (its
# parameters, looked-up choices, date links, field) and the changelist's query strings alone.
_DJANGOS_CHOICES = frozenset(
    kind.choices
    for kind in (
        filters.SimpleListFilter,
        filters.BooleanFieldListFilter,
        filters.ChoicesFieldListFilter,
        filters.DateFieldListFilter,
        filters.AllValuesFieldListFilter,
        filters.RelatedFieldListFilter,
    )
)
_PLAIN = (str, int, float, bool, type(None), datetime.date, datetime.time, decimal.Decimal)


def _frozen(value):
    """A filter's state as a key: plain values with their type, containers as tuples, a model
    field as itself (fixed for the process); anything else is refused (``TypeError``)."""
    if isinstance(value, _PLAIN):
        return type(value), value
    if isinstance(value, Promise):
        return "lazy", str(value)
    if isinstance(value, dict):
        return "dict", tuple((_frozen(name), _frozen(item)) for name, item in value.items())
    if isinstance(value, list | tuple):
        return type(value).__name__, tuple(_frozen(item) for item in value)
    if isinstance(value, models.Field):
        return "field", value
    raise TypeError(type(value).__name__)


freeze = _frozen  # a value as a key, for core/admin_kept_parts.py


def _filter_state(cl, spec) -> tuple | None:
    """What one of Django's filters prints from, when its choices need not be worked out to
    know it: the filter's class and state (its request aside, which only facets read; never
    shown here) and the changelist's parameters, which its links keep."""
    if type(spec).choices not in _DJANGOS_CHOICES or cl.add_facets:
        return None
    try:
        state = _frozen({name: value for name, value in vars(spec).items() if name != "request"})
        return ("filter-state", type(spec), spec.template, get_language(), state, _frozen(cl.filter_params))
    except TypeError:
        return None


def kept_list_filter(cl, spec) -> str:
    state = _filter_state(cl, spec) if spec.template == "admin/filter.html" else None
    if state is not None:
        found = _rendered.get(state)
        if found is not None:
            return mark_safe(found)  # Django's own template's output
    title, choices = spec.title, list(spec.choices(cl))
    key = (
        "filter",
        spec.template,
        get_language(),
        _text(title),
        tuple(
            (bool(choice.get("selected")), choice["query_string"], _text(choice["display"]))
            for choice in choices
        ),
    )
    context = {"title": title, "choices": choices, "spec": spec}
    if spec.template != "admin/filter.html":  # another template may print more of the spec
        return get_template(spec.template).render(context)
    html = _kept(key, lambda: get_template(spec.template).render(context))
    if state is not None:
        _kept(state, lambda: html)
    return html


def cached_nav_sidebar(context) -> str:
    request = context["request"]
    available_apps = context.get("available_apps", [])
    key = ("sidebar", get_language(), request.path, links(available_apps))
    sidebar = {"available_apps": available_apps, "request": request}
    return _kept(key, lambda: get_template("admin/nav_sidebar.html").render(sidebar))


def cached_app_list(context, app_list, show_changelinks=False, template="admin/app_list.html") -> str:
    """``{% include "admin/app_list.html" with app_list=… show_changelinks=… %}``, kept like the
    sidebar: the same template prints only the links of ``app_list`` (the user's own, as the site
    worked them out for this request), the page's path and the language's words. ``template``
    may wrap that include in more of the page that prints only words and the site's own URLs
    (templates/admin/index_content.html: the back office's own links above the models)."""
    request = context["request"]
    key = (
        "app_list",
        template,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        request.path,
        bool(show_changelinks),
        links(app_list),
    )
    app_context = {"app_list": app_list, "request": request, "show_changelinks": show_changelinks}
    return _kept(key, lambda: get_template(template).render(app_context))
