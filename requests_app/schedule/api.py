"""The schedule's API: a professional's working hours and time off, and a service's slots.

Thin: parse, call ``requests_app.schedule.services`` or its selectors, render.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Service
from householdsvc.core.errors import NotFound, ValidationFailed
from householdsvc.core.schema import errors
from requests_app.schedule import cancellation, reschedule, selectors, services, slots

PROFESSIONAL_PARAM = OpenApiParameter(
    "professional", int, description="Admins only: whose schedule (default: your own)."
)


class RangeSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday … 6 = Sunday.")
    starts_at = serializers.TimeField(format="%H:%M", help_text="Local wall-clock time (TIME_ZONE).")
    ends_at = serializers.TimeField(format="%H:%M", help_text="Local wall-clock time, after the start.")


class WeekSerializer(serializers.Serializer):
    professional = serializers.IntegerField(read_only=True)
    time_zone = serializers.CharField(read_only=True)
    ranges = RangeSerializer(many=True)


class TimeOffSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    free_professionals = serializers.IntegerField(help_text="How many suitable professionals are free.")


class SlotListSerializer(serializers.Serializer):
    service = serializers.IntegerField()
    pin_code = serializers.CharField()
    time_zone = serializers.CharField()
    step_minutes = serializers.IntegerField()
    duration_minutes = serializers.IntegerField()
    slots = SlotSerializer(many=True)


class SlotQuerySerializer(serializers.Serializer):
    pin_code = serializers.CharField(max_length=12)
    # "from" is a Python keyword: read as from_ below.
    days = serializers.IntegerField(required=False, min_value=1)


def _week(owner, hours):
    return {
        "professional": owner.pk,
        "time_zone": settings.TIME_ZONE,
        "ranges": RangeSerializer(hours, many=True).data,
    }


class WorkingHoursView(APIView):
    @extend_schema(
        summary="Your weekly working hours (professional; admins name one)",
        parameters=[PROFESSIONAL_PARAM],
        responses={200: WeekSerializer, **errors(401, 404)},
    )
    def get(self, request):
        professional_id = request.query_params.get("professional")
        owner = selectors.schedule_owner(user=request.user, professional_id=professional_id)
        return Response(
            _week(owner, selectors.working_hours_list(user=request.user, professional_id=owner.pk))
        )

    @extend_schema(
        summary="Replace your weekly working hours",
        description="Several ranges a day are allowed; ranges may not overlap, must end after they "
        "start and cannot run past midnight (400 `invalid` naming `ranges`, nothing changed).",
        parameters=[PROFESSIONAL_PARAM],
        request=WeekSerializer,
        responses={200: WeekSerializer, **errors(400, 401, 403, 404)},
    )
    def put(self, request):
        owner = selectors.schedule_owner(
            user=request.user, professional_id=request.query_params.get("professional")
        )
        body = WeekSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        hours = services.working_hours_set(
            professional=owner, actor=request.user, ranges=body.validated_data["ranges"]
        )
        return Response(_week(owner, hours))


class TimeOffListView(APIView):
    @extend_schema(
        summary="Your time off still to come",
        parameters=[PROFESSIONAL_PARAM],
        responses={200: TimeOffSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request):
        rows = selectors.time_off_list(
            user=request.user, professional_id=request.query_params.get("professional")
        )
        return Response(TimeOffSerializer(rows, many=True).data)

    @extend_schema(
        summary="Add time off",
        description="From `starts_at` (not in the past) to `ends_at` (after it).",
        parameters=[PROFESSIONAL_PARAM],
        request=TimeOffSerializer,
        responses={201: TimeOffSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request):
        owner = selectors.schedule_owner(
            user=request.user, professional_id=request.query_params.get("professional")
        )
        body = TimeOffSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        time_off = services.time_off_add(professional=owner, actor=request.user, **body.validated_data)
        return Response(TimeOffSerializer(time_off).data, status=status.HTTP_201_CREATED)


class TimeOffDetailView(APIView):
    @extend_schema(summary="Remove time off", responses={204: None, **errors(401, 403, 404)})
    def delete(self, request, id):
        services.time_off_delete(time_off_id=id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SlotsView(APIView):
    @extend_schema(
        summary="Bookable start times of a household service in a pin code",
        description="Start times every SLOT_STEP_MINUTES from `from` (a local date, default today) "
        "over `days` days (default and at most up to BOOKING_HORIZON_DAYS from now) at which at "
        "least one approved professional of the service serving the pin code is free for the "
        "service's whole duration, with how many are.",
        parameters=[
            OpenApiParameter("pin_code", str, required=True),
            OpenApiParameter("from", str, description="A date, YYYY-MM-DD (site time zone)."),
            OpenApiParameter("days", int),
        ],
        responses={200: SlotListSerializer, **errors(400, 401, 404)},
    )
    def get(self, request, id):
        service = Service.objects.filter(pk=id, is_active=True).first()
        if service is None or service.is_dispatch:
            raise NotFound(gettext("No such household service."))
        query = SlotQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        first_day, days = today, query.validated_data.get("days", settings.BOOKING_HORIZON_DAYS)
        problems = {}
        raw_from = request.query_params.get("from")
        if raw_from:
            try:
                first_day = serializers.DateField().to_internal_value(raw_from)
            except serializers.ValidationError:
                problems["from"] = [gettext("Enter a date, YYYY-MM-DD.")]
            else:
                if first_day < today:
                    problems["from"] = [gettext("That day is in the past.")]
                elif first_day > today + timedelta(days=settings.BOOKING_HORIZON_DAYS):
                    problems["from"] = [
                        gettext("Bookings open at most %(days)s days ahead.")
                        % {"days": settings.BOOKING_HORIZON_DAYS}
                    ]
        if days > settings.BOOKING_HORIZON_DAYS + 1:
            problems["days"] = [gettext("At most %(days)s.") % {"days": settings.BOOKING_HORIZON_DAYS + 1}]
        if problems:
            raise ValidationFailed(gettext("Invalid input."), errors=problems)
        pin_code = query.validated_data["pin_code"].strip()
        found = slots.slots_for(service=service, pin_code=pin_code, first_day=first_day, days=days)
        body = {
            "service": service.pk,
            "pin_code": pin_code,
            "time_zone": settings.TIME_ZONE,
            "step_minutes": settings.SLOT_STEP_MINUTES,
            "duration_minutes": service.time_required_minutes,
            "slots": SlotSerializer(found, many=True).data,
        }
        return Response(body)


class CancelPreviewSerializer(serializers.Serializer):
    fee = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="What cancelling now costs.")
    currency = serializers.CharField()
    free = serializers.BooleanField()
    free_until = serializers.DateTimeField(allow_null=True, help_text="Cancelling is free until then.")
    reason = serializers.CharField()


class CancelPreviewView(APIView):
    @extend_schema(
        summary="What cancelling this request now would cost (customer or admin)",
        description="Free while no professional holds it or more than CANCEL_FREE_HOURS before "
        "its slot; after that, or once en route, CANCEL_FEE_PERCENT of the estimate, at least "
        "CANCEL_FEE_MIN. Only for a request that may still be cancelled.",
        responses={200: CancelPreviewSerializer, **errors(401, 403, 404, 409)},
    )
    def get(self, request, id):
        terms = cancellation.preview(user=request.user, request_id=id)
        body = {
            "fee": terms.fee,
            "currency": settings.CURRENCY,
            "free": not terms.fee,
            "free_until": terms.free_until,
            "reason": terms.reason,
        }
        return Response(CancelPreviewSerializer(body).data)


class RescheduleResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    scheduled_for = serializers.DateTimeField()
    professional = serializers.IntegerField(source="professional_id", allow_null=True)


class RescheduleSerializer(serializers.Serializer):
    scheduled_for = serializers.DateTimeField(help_text="The new start: a free slot.")


class RescheduleView(APIView):
    @extend_schema(
        summary="Move your booking to another free slot (customer or admin)",
        description="Until RESCHEDULE_CUTOFF_HOURS before it (409 `reschedule_too_late`). The "
        "professional keeps it when free then; otherwise it is offered anew. A slot nobody is "
        "free for is 409 `slot_taken`, and one whose free professionals are all claimed by "
        "bookings still waiting for one is 409 `slot_full`, both with `next_slots`. A time the "
        "professional proposed and that still waits is withdrawn.",
        request=RescheduleSerializer,
        responses={200: RescheduleResultSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id):
        body = RescheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        moved = reschedule.service_request_reschedule(
            request_id=id, actor=request.user, scheduled_for=body.validated_data["scheduled_for"]
        )
        return Response(RescheduleResultSerializer(moved).data)
