"""The admin site: Django's, with each request's app list built once.

Django builds the app list (every registered model's permissions and two reversed URLs)
for the page's ``app_list`` and again for ``each_context``'s ``available_apps``: on the admin
index, a third of the page. The list is kept on the request, so it is the acting user's own and
lives no longer than the request.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class BackOfficeSite(AdminSite):
    def get_app_list(self, request, app_label=None):
        memo = request.__dict__.setdefault("_householdsvc_app_lists", {})
        key = (self.name, app_label)
        if key not in memo:
            memo[key] = super().get_app_list(request, app_label)
        return memo[key]


class BackOfficeConfig(AdminConfig):
    """``django.contrib.admin`` with ``BackOfficeSite`` as ``admin.site``."""

    default_site = "householdsvc.core.backoffice_site.BackOfficeSite"
