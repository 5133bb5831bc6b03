"""The FilterSet of reviews. It narrows a queryset the selector has already scoped to the
acting user; it never widens one (``professional`` is also read by the view to ask the
selector for that professional's public reviews)."""

import django_filters
from django import forms

from householdsvc.api import IsoDateTimeFilter
from requests_app.filters import StableOrderingFilter
from reviews.models import Review

ORDERING_FIELDS = (("created_at", "created_at"), ("rating", "rating"))


class WholeNumberFilter(django_filters.NumberFilter):
    """A NumberFilter that takes whole numbers only: a rating or an id of 2.5 is bad input,
    not a filter on 2 (the integer column would cut it)."""

    field_class = forms.IntegerField


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
