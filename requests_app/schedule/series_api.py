"""The API of recurring series: repeat a booking, read a series, skip or change one
occurrence, end it. Thin: parse, call ``requests_app.schedule.series``, render."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from householdsvc.core.schema import errors
from requests_app.schedule import series as series_services
from requests_app.schedule.models import Frequency


class OccurrenceSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id", allow_null=True)
    skipped = serializers.BooleanField()
    moved_to = serializers.DateTimeField(allow_null=True)
    problem = serializers.CharField()


class SeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    starts_at = serializers.DateTimeField()
    until = serializers.DateField(allow_null=True)
    count = serializers.IntegerField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    occurrences = OccurrenceSerializer(many=True, source="occurrences.all")


class SeriesCreateSerializer(serializers.Serializer):
    request = serializers.IntegerField(help_text="Your household booking to repeat (the first time).")
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    until = serializers.DateField(required=False, allow_null=True, default=None, help_text="Last day, or…")
    count = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="…how many times in all (2-52)."
    )


class ChangeSerializer(serializers.Serializer):
    scheduled_for = serializers.DateTimeField()


class SeriesListView(APIView):
    @extend_schema(
        summary="Repeat a booking weekly, fortnightly or monthly (customer)",
        description="Until a date or for `count` times in all (at most 52); no end is a 400. The "
        "occurrences due within SERIES_AHEAD_DAYS are booked at once, later ones by the beat job.",
        request=SeriesCreateSerializer,
        responses={201: SeriesSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request):
        body = SeriesCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        created = series_services.series_create(
            customer=request.user,
            request_id=data["request"],
            frequency=data["frequency"],
            until=data["until"],
            count=data["count"],
        )
        return Response(SeriesSerializer(created).data, status=status.HTTP_201_CREATED)


class SeriesDetailView(APIView):
    @extend_schema(
        summary="One series and its occurrences", responses={200: SeriesSerializer, **errors(401, 404)}
    )
    def get(self, request, id):
        return Response(SeriesSerializer(series_services.series_get(user=request.user, series_id=id)).data)


class SeriesEndView(APIView):
    @extend_schema(
        summary="End a series (customer or admin)",
        description="No more occurrences are booked; those already booked stay.",
        request=None,
        responses={200: SeriesSerializer, **errors(401, 404)},
    )
    def post(self, request, id):
        return Response(SeriesSerializer(series_services.series_end(series_id=id, actor=request.user)).data)


class OccurrenceSkipView(APIView):
    @extend_schema(
        summary="Skip one occurrence (customer or admin)",
        description="One already booked is cancelled under the cancellation policy.",
        request=None,
        responses={200: OccurrenceSerializer, **errors(401, 404, 409)},
    )
    def post(self, request, id, index):
        occurrence = series_services.series_skip(series_id=id, index=index, actor=request.user)
        return Response(OccurrenceSerializer(occurrence).data)


class OccurrenceChangeView(APIView):
    @extend_schema(
        summary="Change one occurrence's time (customer or admin)",
        description="One already booked is rescheduled (its rules apply); a later one is booked "
        "at the new time when its turn comes.",
        request=ChangeSerializer,
        responses={200: OccurrenceSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, id, index):
        body = ChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        occurrence = series_services.series_change(
            series_id=id, index=index, actor=request.user, scheduled_for=body.validated_data["scheduled_for"]
        )
        return Response(OccurrenceSerializer(occurrence).data)
