"""What each kind of export contains: the filters an admin may set, and the rows it selects.

Each kind has a filter form (validation and the JSON kept on the job) and a list of columns,
each a header and an ORM expression. ``export_queryset`` turns a job's kind and filters into
a ``values_list`` queryset whose SQL selects exactly those columns in that order, so the
PostgreSQL path can hand the ORM's own parameterised SQL to ``COPY`` and the SQLite path can
iterate the very same queryset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ProfessionalProfile, VerificationStatus
from catalog.models import Service
from exports.models import ExportKind
from requests_app.filters import ServiceRequestFilter
from requests_app.models import EarningsEntry, ServiceRequest, Status
from reviews.models import Review

# An admin action turns a selection into an ``ids`` filter; past this many rows a filter on
# the columns is the better tool, and the job's JSON stays small.
MAX_SELECTED_IDS = getattr(settings, "EXPORT_MAX_SELECTED_IDS", 10_000)


class IdListField(forms.Field):
    """A list of positive integer primary keys (the admin's selection)."""

    def to_python(self, value):
        if value in (None, "", []):
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(_("Give a list of ids."))
        try:
            ids = sorted({int(item) for item in value})
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Every id must be a whole number.")) from exc
        if any(pk < 1 for pk in ids):
            raise forms.ValidationError(_("Every id must be positive."))
        if len(ids) > MAX_SELECTED_IDS:
            raise forms.ValidationError(
                _("At most %(count)s rows may be selected; use filters instead.")
                % {"count": MAX_SELECTED_IDS}
            )
        return ids


class _CreatedRangeForm(forms.Form):
    created_after = forms.DateField(required=False, help_text=_("On or after this day."))
    created_before = forms.DateField(required=False, help_text=_("On or before this day."))

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("created_after"), cleaned.get("created_before")
        if after and before and after > before:
            self.add_error("created_before", _("Must not be before created_after."))
        return cleaned


class ServiceRequestFilters(_CreatedRangeForm):
    status = forms.ChoiceField(choices=[("", _("any")), *Status.choices], required=False)
    service = forms.ModelChoiceField(queryset=Service.objects.all(), required=False)
    pin_code = forms.CharField(max_length=12, required=False)
    ids = IdListField(required=False, widget=forms.HiddenInput)


class ProfessionalFilters(forms.Form):
    verification_status = forms.ChoiceField(
        choices=[("", _("any")), *VerificationStatus.choices], required=False
    )
    service = forms.ModelChoiceField(queryset=Service.objects.all(), required=False)
    pin_code = forms.CharField(max_length=12, required=False)
    ids = IdListField(required=False, widget=forms.HiddenInput)


class ReviewFilters(_CreatedRangeForm):
    rating = forms.TypedChoiceField(
        choices=[("", "any")] + [(n, f"{n} ★") for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    service = forms.ModelChoiceField(queryset=Service.objects.all(), required=False)
    ids = IdListField(required=False, widget=forms.HiddenInput)


class EarningsFilters(_CreatedRangeForm):
    professional = forms.IntegerField(required=False, min_value=1, help_text=_("A professional's user id."))
    ids = IdListField(required=False, widget=forms.HiddenInput)


FILTER_FORMS: dict[str, type[forms.Form]] = {
    ExportKind.SERVICE_REQUESTS: ServiceRequestFilters,
    ExportKind.PROFESSIONALS: ProfessionalFilters,
    ExportKind.REVIEWS: ReviewFilters,
    ExportKind.EARNINGS: EarningsFilters,
}


def filters_to_json(cleaned: dict) -> dict:
    """The cleaned filters as the JSON kept on the job: unset ones dropped, objects as ids."""
    stored = {}
    for name, value in cleaned.items():
        if value in (None, "", []):
            continue
        if isinstance(value, Service):
            value = value.pk
        elif isinstance(value, dt.date):
            value = value.isoformat()
        stored[name] = value
    return stored


def _yes_no(field: str):
    return Case(When(**{field: True}, then=Value("yes")), default=Value("no"))


@dataclass(frozen=True)
class Column:
    header: str
    expression: object


COLUMNS: dict[str, list[Column]] = {
    ExportKind.SERVICE_REQUESTS: [
        Column("id", F("id")),
        Column("status", F("status")),
        Column("service", F("service__name")),
        Column("customer_name", F("customer__full_name")),
        Column("customer_email", F("customer__email")),
        Column("professional_name", F("professional__full_name")),
        Column("pin_code", F("pin_code")),
        Column("price_estimate", F("price_estimate")),
        Column("final_price", F("final_price")),
        Column("payment_status", F("payment_status")),
        Column("created_at", F("created_at")),
        Column("assigned_at", F("assigned_at")),
        Column("completed_at", F("completed_at")),
        Column("closed_at", F("closed_at")),
        Column("cancelled_at", F("cancelled_at")),
    ],
    ExportKind.PROFESSIONALS: [
        Column("id", F("user_id")),
        Column("full_name", F("user__full_name")),
        Column("email", F("user__email")),
        Column("phone", F("user__phone")),
        Column("service", F("service__name")),
        Column("verification_status", F("verification_status")),
        Column("experience_years", F("experience_years")),
        Column("pin_code", F("pin_code")),
        Column("company_name", F("company_name")),
        Column("average_rating", F("average_rating")),
        Column("rating_count", F("rating_count")),
        Column("available", _yes_no("is_available")),
        Column("active", _yes_no("user__is_active")),
        Column("joined_at", F("created_at")),
    ],
    ExportKind.REVIEWS: [
        Column("id", F("id")),
        Column("request_id", F("request_id")),
        Column("service", F("request__service__name")),
        Column("customer_name", F("customer__full_name")),
        Column("professional_name", F("professional__full_name")),
        Column("rating", F("rating")),
        Column("comment", F("comment")),
        Column("created_at", F("created_at")),
    ],
    # The ledger a payout would read: one row per credit or reversal, never edited.
    ExportKind.EARNINGS: [
        Column("id", F("id")),
        Column("created_at", F("created_at")),
        Column("professional_id", F("professional_id")),
        Column("professional_name", F("professional__full_name")),
        Column("professional_email", F("professional__email")),
        Column("request_id", F("request_id")),
        Column("kind", F("kind")),
        Column("price", F("price")),
        Column("commission", F("commission")),
        Column("tip", F("tip")),
        Column("amount", F("amount")),
        Column("note", F("note")),
    ],
}


def headers(kind: str) -> list[str]:
    return [column.header for column in COLUMNS[kind]]


def _day_start(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time.min))


def _created_range(filters: dict, field: str = "created_at") -> Q:
    # Bounds on the raw column (not ``__date``) so the created_at indexes serve them.
    condition = Q()
    if filters.get("created_after"):
        condition &= Q(**{f"{field}__gte": _day_start(filters["created_after"])})
    last_day = filters.get("created_before")
    # On or before the last day a date can be means no upper bound (and its next day would
    # overflow).
    if last_day and dt.date.fromisoformat(last_day) < dt.date.max:
        next_day = dt.date.fromisoformat(last_day) + dt.timedelta(days=1)
        condition &= Q(**{f"{field}__lt": _day_start(next_day.isoformat())})
    return condition


# The filters an export of requests shares with the API and the list pages: the same FilterSet
# decides what they mean. The export's day range (``created_before`` includes that whole day,
# where the API's is an instant, excluded) and its ``ids`` selection are its own.
SHARED_REQUEST_FILTERS = ("status", "service", "pin_code")


def _request_filterset(filters: dict, queryset: QuerySet) -> ServiceRequestFilter:
    data = {name: filters[name] for name in SHARED_REQUEST_FILTERS if filters.get(name)}
    filterset = ServiceRequestFilter(data, queryset=queryset)
    if not filterset.is_valid():
        # django-filter would drop an invalid filter and widen the export; the job's filters
        # were validated when it was created, so this is a stored job gone stale, not input.
        raise ValueError(f"Export filters no longer valid: {filterset.errors.as_json()}")
    return filterset


def _base_queryset(kind: str, filters: dict) -> QuerySet:
    if kind == ExportKind.SERVICE_REQUESTS:
        queryset = _request_filterset(filters, ServiceRequest.objects.filter(_created_range(filters))).qs
        pk_field = "id"
    elif kind == ExportKind.PROFESSIONALS:
        queryset = ProfessionalProfile.objects.all()
        for name in ("verification_status", "pin_code"):
            if filters.get(name):
                queryset = queryset.filter(**{name: filters[name]})
        if filters.get("service"):
            queryset = queryset.filter(service_id=filters["service"])
        pk_field = "user_id"
    elif kind == ExportKind.REVIEWS:
        queryset = Review.objects.filter(_created_range(filters))
        if filters.get("rating"):
            queryset = queryset.filter(rating=filters["rating"])
        if filters.get("service"):
            queryset = queryset.filter(request__service_id=filters["service"])
        pk_field = "id"
    elif kind == ExportKind.EARNINGS:
        queryset = EarningsEntry.objects.filter(_created_range(filters))
        if filters.get("professional"):
            queryset = queryset.filter(professional_id=filters["professional"])
        pk_field = "id"
    else:  # the model's check constraint keeps other kinds out of the table
        raise ValueError(f"Unknown export kind {kind!r}")
    if filters.get("ids"):
        queryset = queryset.filter(**{f"{pk_field}__in": filters["ids"]})
    return queryset.order_by(pk_field)


def export_queryset(kind: str, filters: dict) -> QuerySet:
    """The rows of an export as tuples, columns in ``headers(kind)`` order, oldest id first.

    Every column is an annotation with a positional alias (``c0``, ``c1`` …): annotations are
    selected in the order they were added, and such aliases never clash with model fields.
    """
    columns = COLUMNS[kind]
    aliases = {f"c{index}": column.expression for index, column in enumerate(columns)}
    return _base_queryset(kind, filters).annotate(**aliases).values_list(*aliases)


def export_count_queryset(kind: str, filters: dict) -> QuerySet:
    """The same rows, for counting them (no joins for the columns)."""
    return _base_queryset(kind, filters).order_by()
