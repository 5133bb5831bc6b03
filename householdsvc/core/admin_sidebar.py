"""The admin's navigation sidebar, rendered once per language, page and set of links.

Django renders ``admin/nav_sidebar.html`` on every admin page: a table row for each of the
site's two dozen models, each with its translated words, URL comparisons and filters — a tenth
of a changelist's time. What comes out depends only on the links the user may see
(``available_apps``, already worked out by ``AdminSite.each_context``), the page's path (the
current model is marked) and the language; so the HTML Django's template makes is kept for
those, and rendered again whenever one of them differs. ``{% cached_nav_sidebar %}`` is used by
templates/admin/bounded_change_list.html in place of the ``include``.
"""

from __future__ import annotations

from collections import OrderedDict

from django.template.loader import get_template
from django.utils.safestring import mark_safe
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


def cached_nav_sidebar(context) -> str:
    request = context["request"]
    available_apps = context.get("available_apps", [])
    key = (get_language(), request.path, _links(available_apps))
    html = _rendered.get(key)
    if html is None:
        html = get_template("admin/nav_sidebar.html").render(
            {"available_apps": available_apps, "request": request}, request
        )
        _rendered[key] = html
        if len(_rendered) > _KEEP:
            _rendered.popitem(last=False)
    return mark_safe(html)  # Django's own template's output
