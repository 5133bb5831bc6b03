"""The admin's navigation sidebar and list filters, each rendered once per language and content.

Django renders ``admin/nav_sidebar.html`` on every admin page: a table row for each of the
site's two dozen models, each with its translated words, URL comparisons and filters — a tenth
of a changelist's time. What comes out depends only on the links the user may see
(``available_apps``, already worked out by ``AdminSite.each_context``), the page's path (the
current model is marked) and the language; so the HTML Django's template makes is kept for
those, and rendered again whenever one of them differs. ``{% cached_nav_sidebar %}`` is used by
templates/admin/bounded_change_list.html in place of the ``include``; ``{% cached_app_list %}``
likewise keeps the admin index's list of models (templates/admin/index.html).

A list filter likewise: ``{% kept_list_filter cl spec %}`` works out the filter's choices as
``admin_list_filter`` does and renders the filter's template only for choices (their links,
labels and which is selected), a title and a language it has not rendered yet.

``kept`` is that store, for others that keep a template's output (core/admin_kept_parts.py).
"""

from __future__ import annotations

from collections import OrderedDict

from django.template.loader import get_template
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

_KEEP = 256
_rendered: OrderedDict[tuple, str] = OrderedDict()


def _links(available_apps) -> tuple:
    """Everything of ``available_apps`` that app_list.html prints or compares."""
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


def kept(key, render) -> str:
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = render()
        if len(_rendered) > _KEEP:
            _rendered.popitem(last=False)
    return mark_safe(html)  # Django's own template's output


def _text(value) -> tuple[str, bool]:
    """A label as the template prints it: its text, and whether it is escaped there."""
    return str(value), isinstance(value, SafeData)


def kept_list_filter(cl, spec) -> str:
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
    return kept(key, lambda: get_template(spec.template).render(context))


def cached_nav_sidebar(context) -> str:
    request = context["request"]
    available_apps = context.get("available_apps", [])
    key = ("sidebar", get_language(), request.path, _links(available_apps))
    sidebar = {"available_apps": available_apps, "request": request}
    return kept(key, lambda: get_template("admin/nav_sidebar.html").render(sidebar))


def cached_app_list(context, app_list, show_changelinks=False) -> str:
    """``{% include "admin/app_list.html" with app_list=… show_changelinks=… %}``, kept like the
    sidebar: the same template prints only the links of ``app_list`` (the user's own, as the site
    worked them out for this request), the page's path and the language's words."""
    request = context["request"]
    key = ("app_list", get_language(), request.path, bool(show_changelinks), _links(app_list))
    app_context = {"app_list": app_list, "request": request, "show_changelinks": show_changelinks}
    return kept(key, lambda: get_template("admin/app_list.html").render(app_context))
