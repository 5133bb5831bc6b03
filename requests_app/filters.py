"""The one FilterSet of service requests, shared by the API and the web list pages.

It narrows a queryset that a selector has already scoped to the acting user; it never widens
one. The ordering always ends on the id, so pages of equal timestamps do not shuffle.
"""

import django_filters

from householdsvc.core.filters import IsoDateTimeFilter, WholeNumberFilter
from requests_app.models import ServiceRequest, Status

ORDERING_FIELDS = (
    ("created_at", "created_at"),
    ("scheduled_for", "scheduled_for"),
    ("status", "status"),
)


class StableOrderingFilter(django_filters.OrderingFilter):
    def filter(self, qs, value):
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        tie_breaker = "-id" if ordering[-1].startswith("-") else "id"
        return qs.order_by(*ordering, tie_breaker)


class ServiceRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    service = WholeNumberFilter(field_name="service_id")
    professional = WholeNumberFilter(field_name="professional_id")
    pin_code = django_filters.CharFilter(field_name="pin_code")
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    ordering = StableOrderingFilter(fields=ORDERING_FIELDS)

    class Meta:
        model = ServiceRequest
        fields = ["status", "service", "professional", "pin_code", "created_after", "created_before"]
