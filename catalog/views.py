"""The public catalogue page: search by name, kind and pin code (the API's FilterSet)."""

from django.shortcuts import render

from catalog.filters import ServiceFilter
from catalog.selectors import services_visible_to
from householdsvc.core.cache import public_page

PAGE_LIMIT = 100


@public_page("catalog", "search", "kind", "pin_code")
def service_list(request):
    filterset = ServiceFilter(request.GET or None, queryset=services_visible_to(request.user))
    # An invalid filter (an unknown kind) shows the form's error and no results.
    services = list(filterset.qs[:PAGE_LIMIT]) if filterset.is_valid() or not filterset.is_bound else []
    return render(request, "catalog/service_list.html", {"filter": filterset, "services": services})
