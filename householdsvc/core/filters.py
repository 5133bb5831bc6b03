"""Filter pieces every app's FilterSet uses, so that bad input is a 400 the schema documents."""

import datetime as dt

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


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
