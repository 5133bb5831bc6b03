"""The FilterSet of reviews. It narrows a queryset the selector has already scoped to the
acting user; it never widens one (``professional`` is also read by the view to ask the
selector for that professional's public reviews)."""

import django_filters

from householdsvc.core.filters import IsoDateTimeFilter, WholeNumberFilter
from requests_app.filters import StableOrderingFilter
from reviews.models import Review

ORDERING_FIELDS = (("created_at", "created_at"), ("rating", "rating"))


class ReviewFilter(django_filters.FilterSet):
    professional = WholeNumberFilter(field_name="professional")
    rating = WholeNumberFilter(field_name="rating")
    rating_min = WholeNumberFilter(field_name="rating", lookup_expr="gte")
    rating_max = WholeNumberFilter(field_name="rating", lookup_expr="lte")
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    ordering = StableOrderingFilter(fields=ORDERING_FIELDS)

    class Meta:
        model = Review
        fields = ["professional", "rating", "rating_min", "rating_max", "created_after", "created_before"]
