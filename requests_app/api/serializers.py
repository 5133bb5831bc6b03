"""Input and output shapes of the service-request API.

Output hides what a professional may not see before the job is theirs: to a professional who
is only being offered the request, the customer is a first name, the address is blank and the
position is rounded to about a kilometre; the pin code stays, so they can judge the trip.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.db.models import DateTimeField, DecimalField
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from householdsvc.core.api import iso_datetimes
from householdsvc.core.page_rows import SlicedRows
from requests_app.models import RequestEvent, ServiceRequest, Status, VehicleType
from requests_app.selectors import details_hidden_from

# Two decimal places of a degree: about 1.1 km, enough to judge the distance, not to find the door.
APPROXIMATE_POSITION = Decimal("0.01")

# The request as the API shows it, field by field in this order: the detail serializer and the
# list's value rows both follow it.
REQUEST_FIELDS = (
    "id",
    "service",
    "customer",
    "professional",
    "description",
    "address",
    "pin_code",
    "latitude",
    "longitude",
    "vehicle_type",
    "scheduled_for",
    "remarks",
    "status",
    "price_estimate",
    "final_price",
    "payment_status",
    "cancel_reason",
    "details_hidden",
    "created_at",
    "assigned_at",
    "started_at",
    "arrived_at",
    "completed_at",
    "closed_at",
    "cancelled_at",
    "updated_at",
)


# --- Output -------------------------------------------------------------------------------


class ServiceSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    phone = serializers.CharField(
        allow_null=True,
        help_text="Admins only; null for the customer and the professional, who reach each other "
        "through the request's messages.",
    )


class ServiceRequestSerializer(serializers.ModelSerializer):
    service = ServiceSummarySerializer(read_only=True)
    customer = serializers.SerializerMethodField()
    professional = serializers.SerializerMethodField()
    details_hidden = serializers.SerializerMethodField(
        help_text="True when the customer's contact, address and exact position are withheld."
    )
    # Read-only model fields lose their blank choice; an at-address job has no vehicle ("").
    vehicle_type = serializers.ChoiceField(choices=VehicleType.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ServiceRequest
        fields = list(REQUEST_FIELDS)
        read_only_fields = fields

    def _hidden(self, service_request) -> bool:
        request = self.context.get("request")
        return details_hidden_from(getattr(request, "user", None), service_request)

    @extend_schema_field(PersonSerializer)
    def get_customer(self, service_request):
        customer = service_request.customer
        if self._hidden(service_request):
            return {"id": customer.pk, "full_name": customer.get_short_name(), "phone": None}
        return {"id": customer.pk, "full_name": customer.full_name, "phone": self._phone(customer)}

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_professional(self, service_request):
        professional = service_request.professional
        if professional is None:
            return None
        return {
            "id": professional.pk,
            "full_name": professional.full_name,
            "phone": self._phone(professional),
        }

    def _phone(self, person):
        # The two sides never see each other's number: the thread is their contact.
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return (person.phone or None) if getattr(user, "is_admin", False) else None

    def get_details_hidden(self, service_request) -> bool:
        return self._hidden(service_request)

    def to_representation(self, service_request):
        data = super().to_representation(service_request)
        if self._hidden(service_request):
            data["address"] = ""
            for field in ("latitude", "longitude"):
                value = getattr(service_request, field)
                if value is not None:
                    data[field] = str(value.quantize(APPROXIMATE_POSITION, rounding=ROUND_HALF_UP))
        return data


# The list's own columns: every shown field that is the request's column as it is (the nested
# service, customer and professional, and details_hidden, are built from the joined columns).
_NESTED = ("service", "customer", "professional", "details_hidden")
_OWN_FIELDS = tuple(field for field in REQUEST_FIELDS if field not in _NESTED)
_JOINED = 10  # the joined columns that come first in ServiceRequestListSerializer.COLUMNS
# Where the own columns go among the shown fields: the id, the three nested objects, the own
# columns before details_hidden, details_hidden, the rest (held to REQUEST_FIELDS at import).
_SPLIT = sum(field not in _NESTED for field in REQUEST_FIELDS[: REQUEST_FIELDS.index("details_hidden")])
_LAYOUT = (_OWN_FIELDS[0], *_NESTED[:3], *_OWN_FIELDS[1:_SPLIT], _NESTED[3], *_OWN_FIELDS[_SPLIT:])
if _LAYOUT != REQUEST_FIELDS:  # pragma: no cover - REQUEST_FIELDS reordered, the rows not
    raise ImproperlyConfigured("ServiceRequestListSerializer builds its rows in another order.")


def _positions(kind) -> tuple[int, ...]:
    """The own columns that are model fields of this kind."""
    return tuple(
        index
        for index, field in enumerate(_OWN_FIELDS)
        if isinstance(ServiceRequest._meta.get_field(field), kind)
    )


# How DRF renders each: a date-time as ISO 8601 in the current time zone, UTC as "Z"
# (DateTimeField); a decimal as a string of its digits at the column's scale (DecimalField,
# COERCE_DECIMAL_TO_STRING); every other column as it is.
_DATETIMES, _DECIMALS = _positions(DateTimeField), _positions(DecimalField)
_ADDRESS = _OWN_FIELDS.index("address")
_POSITION = (_OWN_FIELDS.index("latitude"), _OWN_FIELDS.index("longitude"))


class _PageSerializer(serializers.ListSerializer):
    """A page of the list's rows, the date-times of all its rows written in one go."""

    def to_representation(self, data):
        rows = list(data)
        width = len(_DATETIMES)
        stamps = iso_datetimes([row[_JOINED + i] for row in rows for i in _DATETIMES], self.child._zone)
        return [self.child.row_data(row, stamps[n * width : n * width + width]) for n, row in enumerate(rows)]


class ServiceRequestListSerializer(serializers.Serializer):
    """The list's rows: the same JSON as ``ServiceRequestSerializer``, built from value rows.

    A page of 100 requests through the model serializer builds 300 model instances and runs
    some 3,000 field serializers; here the page is one query of the columns shown (rows from
    ``rows()``) and one dict per row. Output only: the schema documents the list with
    ``ServiceRequestSerializer``, whose JSON this equals field for field (tests hold them
    equal, for every role and the privacy rule included). Both read ``REQUEST_FIELDS``.
    """

    # Columns read: the joined ones the nested objects need, then the request's own shown
    # fields; no password hashes or unshown columns.
    COLUMNS = (
        "service_id",
        "service__name",
        "service__kind",
        "customer_id",
        "customer__full_name",
        "customer__email",
        "customer__phone",
        "professional_id",
        "professional__full_name",
        "professional__phone",
        *_OWN_FIELDS,
    )

    @classmethod
    def rows(cls, queryset):
        """The scoped, filtered and ordered queryset narrowed to the columns a row shows, for
        the paginator to slice: a page's SQL is compiled once per shape of query and run with
        each request's values (building and compiling it was a quarter of the list's time)."""
        return SlicedRows(queryset, cls.COLUMNS)

    @cached_property
    def _viewing_professional_id(self):
        """The viewer's id when the viewer is a professional (the only role details hide from)."""
        viewer = getattr(self.context.get("request"), "user", None)
        return viewer.pk if viewer is not None and viewer.is_professional else None

    @cached_property
    def _viewer_is_admin(self) -> bool:
        # Phones are for admins: the two sides reach each other through the request's messages.
        viewer = getattr(self.context.get("request"), "user", None)
        return bool(getattr(viewer, "is_admin", False))

    @cached_property
    def _zone(self):
        return timezone.get_current_timezone()

    class Meta:
        list_serializer_class = _PageSerializer

    def to_representation(self, row):
        return self.row_data(row, iso_datetimes([row[_JOINED + i] for i in _DATETIMES], self._zone))

    def row_data(self, row, stamps: list) -> dict:
        """The row's JSON, given its date-times as text (in ``_DATETIMES``' order). Written out,
        with no call per field: a page of 50 rows renders some 700 values here."""
        (
            service_id,
            service_name,
            service_kind,
            customer_id,
            customer_full_name,
            customer_email,
            customer_phone,
            professional_id,
            professional_full_name,
            professional_phone,
        ) = row[:_JOINED]
        own = list(row[_JOINED:])
        admin = self._viewer_is_admin
        # The rule of details_hidden_from, on the row's columns.
        viewing = self._viewing_professional_id
        hidden = viewing is not None and professional_id != viewing
        if hidden:
            # User.get_short_name, on the row's columns.
            short_name = customer_full_name.split(" ")[0] if customer_full_name else customer_email
            customer = {"id": customer_id, "full_name": short_name, "phone": None}
            own[_ADDRESS] = ""
            for index in _POSITION:
                if own[index] is not None:
                    own[index] = own[index].quantize(APPROXIMATE_POSITION, rounding=ROUND_HALF_UP)
        else:
            phone = (customer_phone or None) if admin else None
            customer = {"id": customer_id, "full_name": customer_full_name, "phone": phone}
        professional = None
        if professional_id is not None:
            phone = (professional_phone or None) if admin else None
            professional = {"id": professional_id, "full_name": professional_full_name, "phone": phone}
        for index, text in zip(_DATETIMES, stamps, strict=True):
            own[index] = text
        for index in _DECIMALS:
            value = own[index]
            if value is not None:
                own[index] = f"{value:f}"
        service = {"id": service_id, "name": service_name, "kind": service_kind}
        return dict(
            zip(
                REQUEST_FIELDS,
                (own[0], service, customer, professional, *own[1:_SPLIT], hidden, *own[_SPLIT:]),
                strict=True,
            )
        )


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    role = serializers.CharField()


class RequestEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    # The creation event comes from no status ("").
    from_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)

    class Meta:
        model = RequestEvent
        fields = ["id", "action", "from_status", "to_status", "actor", "note", "created_at"]
        read_only_fields = fields

    @extend_schema_field(ActorSerializer(allow_null=True))
    def get_actor(self, event):
        if event.actor is None:
            return None
        return {"id": event.actor.pk, "full_name": event.actor.full_name, "role": event.actor.role}


# --- Input --------------------------------------------------------------------------------
# Shapes and types only: every rule (active service, position for roadside help, dates, price
# bounds) lives in requests_app.services, so the web pages and the back office share it.


class PositionField(serializers.DecimalField):
    """Degrees as sent by a GPS: any number of decimals, rounded to six by the service."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, required=False, allow_null=True, **kwargs)


class ServiceRequestCreateSerializer(serializers.Serializer):
    service = serializers.IntegerField(help_text="Id of an active catalogue service.")
    description = serializers.CharField()
    address = serializers.CharField(required=False, allow_blank=True, default="")
    pin_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=12)
    latitude = PositionField(help_text="Required for dispatch (roadside) services.")
    longitude = PositionField(help_text="Required for dispatch (roadside) services.")
    vehicle_type = serializers.ChoiceField(
        choices=VehicleType.choices, required=False, allow_blank=True, default=""
    )
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True, default=None)
    remarks = serializers.CharField(required=False, allow_blank=True, default="")


class ServiceRequestEditSerializer(serializers.Serializer):
    description = serializers.CharField(required=False)
    address = serializers.CharField(required=False, allow_blank=True)
    pin_code = serializers.CharField(required=False, allow_blank=True, max_length=12)
    latitude = PositionField(
        help_text="A new position, with longitude. A household job whose address or pin code "
        "changes without one loses its old position; a roadside job keeps it."
    )
    longitude = PositionField(help_text="A new position, with latitude.")
    scheduled_for = serializers.DateTimeField(
        required=False, allow_null=True, help_text="null clears the preferred time; leave out to keep it."
    )
    remarks = serializers.CharField(required=False, allow_blank=True)


class ArriveSerializer(serializers.Serializer):
    start_code = serializers.CharField(
        max_length=4,
        required=False,
        allow_blank=True,
        default="",
        help_text="The 4-digit code shown to the customer on their request.",
    )


class StartCodeSerializer(serializers.Serializer):
    start_code = serializers.CharField(help_text="Read it out to the professional when they arrive.")


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    professional = serializers.IntegerField(help_text="Id of an approved professional of the service.")


class CompleteSerializer(serializers.Serializer):
    final_price = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="The price charged, ≥ 0."
    )
    price_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=1000,
        help_text="Required when the final price is above the estimate by more than the tolerance.",
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
