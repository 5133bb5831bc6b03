"""Filter pieces every app's FilterSet uses, so that bad input is a 400 the schema documents."""

import datetime as dt
import functools

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time turned to UTC. Python accepts offsets up to ±23:59, PostgreSQL
    only up to ±15:59: sent as given, ``…T00:00+20:00`` made the query fail with a 500."""

    default_error_messages = {"out_of_range": _("Enter a date and time between the years 1 and 9999.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range") from None


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """django-filter's ISO 8601 filter, compared in UTC (see UtcIsoDateTimeField)."""

    field_class = UtcIsoDateTimeField


class BigIntegerFormField(forms.IntegerField):
    """A whole number that fits PostgreSQL's bigint: an id past it is bad input, not a 500."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class WholeNumberFilter(django_filters.NumberFilter):
    """A NumberFilter that takes whole numbers only: a rating or an id of 2.5 is bad input,
    not a filter on 2 (the integer column would cut it)."""

    field_class = BigIntegerFormField


def filters_asked(filterset_class, params) -> bool:
    """Whether the query names any of the FilterSet's parameters. With none of them a FilterSet
    hands its queryset back as it is (an empty value filters nothing), yet building one copies
    all its filters and makes and cleans its form: a tenth of a list page, or of an API list."""
    return not _parameters(filterset_class).isdisjoint(params)


@functools.cache
def _parameters(filterset_class) -> frozenset[str]:
    return frozenset(filterset_class.base_filters)


class AskedFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds the FilterSet only when the query names one of its
    parameters (``filters_asked``). For FilterSets whose filters all take one parameter of their
    own name and filter nothing when it is missing (no ranges, no defaults)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not filters_asked(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
