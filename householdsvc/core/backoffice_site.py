"""The admin site: Django's, with the app list worked out once per set of rights.

Django builds the app list (every registered model's permissions, two reversed URLs per model
and one per app, names sorted in the page's language) for the page's ``app_list`` and again
for ``each_context``'s ``available_apps``: on the admin index, a sixth of the page, nearly all
of it the ``reverse()`` calls. What comes out depends only on what each model admin answers to
``has_module_permission`` and ``get_model_perms`` for this request, the language, and where the
URLs resolve (URLconf, script prefix, site name). So those answers are asked on every request,
as Django asks them (the same permission methods, overrides included, in the same order), and
the list Django built for the same answers is reused; each request gets its own copy of it
(lists and dicts), so nothing one page does to its list reaches another. Within a request the
list is built once.

The index's "My actions" come from ``recent_actions.recent_admin_actions`` (one plain query)
instead of the ``get_admin_log`` tag's ORM queryset: templates/admin/index.html.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

from householdsvc.core.admin_sidebar import links

# Lists kept: one per set of rights, language and prefix seen; a handful in practice.
_KEEP = 256


class BackOfficeSite(AdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)
        self._kept_app_lists: OrderedDict[tuple, list] = OrderedDict()
        self._kept_lock = threading.Lock()

    def get_app_list(self, request, app_label=None):
        memo = request.__dict__.setdefault("_householdsvc_app_lists", {})
        key = (self.name, app_label)
        if key not in memo:
            memo[key] = self._kept_app_list(request, app_label)
        return memo[key]

    def _rights(self, request, app_label):
        """What ``_build_app_dict`` asks each model admin, asked the same way."""
        rights = []
        for model, model_admin in self._registry.items():
            if app_label and model._meta.app_label != app_label:
                continue
            if not model_admin.has_module_permission(request):
                rights.append((model_admin, None))
                continue
            rights.append((model_admin, tuple(model_admin.get_model_perms(request).items())))
        return tuple(rights)

    def _kept_app_list(self, request, app_label):
        rights = self._rights(request, app_label)
        key = (app_label, get_language(), get_script_prefix(), get_urlconf(), rights)
        try:
            hash(key)
        except TypeError:  # an override answered with something unhashable: no keeping
            return super().get_app_list(request, app_label)
        kept = self._kept_app_lists.get(key)
        if kept is None:
            app_list = super().get_app_list(request, app_label)
            kept = (app_list, links(app_list))
            with self._kept_lock:
                self._kept_app_lists[key] = kept
                if len(self._kept_app_lists) > _KEEP:
                    self._kept_app_lists.popitem(last=False)
        return _copy(*kept)

    def index(self, request, extra_context=None):
        # Imported here: this module is loaded with the app registry, before any model.
        from householdsvc.core.recent_actions import recent_admin_actions

        extra_context = {"recent_actions": recent_admin_actions(request.user), **(extra_context or {})}
        return super().index(request, extra_context)


class AppList(list):
    """An app list as Django makes it, with ``links``: what the admin's templates print of it,
    worked out once when it was kept (admin_sidebar keys the HTML it keeps on them). A view that
    wants to show a different list passes a new one (a plain list's links are worked out from
    it), rather than editing this one in place."""

    links: tuple


def _copy(app_list: list, app_links: tuple) -> AppList:
    """The request's own list: new lists and dicts, the same (immutable) values."""
    copy = AppList(
        {**app, "models": [{**model, "perms": dict(model["perms"])} for model in app["models"]]}
        for app in app_list
    )
    copy.links = app_links
    return copy


class BackOfficeConfig(AdminConfig):
    """``django.contrib.admin`` with ``BackOfficeSite`` as ``admin.site``."""

    default_site = "householdsvc.core.backoffice_site.BackOfficeSite"
