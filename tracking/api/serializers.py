"""Shapes of the tracking API and of the WebSocket's ``location`` message (the same point)."""

from rest_framework import serializers

from householdsvc.core.geo import MAX_LATITUDE, MAX_LONGITUDE
from tracking.models import LocationUpdate
from tracking.validation import MAX_ACCURACY_METRES, MAX_BATCH_SIZE, MAX_CLIENT_ID_LENGTH


class LocationPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = LocationUpdate
        fields = ["id", "source", "latitude", "longitude", "accuracy", "recorded_at", "received_at"]
        read_only_fields = fields


# --- Input: documents the body; tracking.validation checks it (the service is the only judge,
# so the API, the web pages and any other caller get the same 400 naming the point and field).


class LocationPointInputSerializer(serializers.Serializer):
    latitude = serializers.FloatField(
        min_value=-MAX_LATITUDE,
        max_value=MAX_LATITUDE,
        help_text="Degrees (a numeric string too), kept to 6 decimal places.",
    )
    longitude = serializers.FloatField(
        min_value=-MAX_LONGITUDE,
        max_value=MAX_LONGITUDE,
        help_text="Degrees (a numeric string too), kept to 6 decimal places.",
    )
    accuracy = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_ACCURACY_METRES,
        help_text="Metres, rounded to a whole metre.",
    )
    recorded_at = serializers.DateTimeField(
        help_text="When the phone took the fix: at most 2 minutes ahead of the server's clock, at "
        "most 24 hours old. Without a zone, the server's zone."
    )
    client_id = serializers.CharField(
        required=False,
        allow_null=True,
        min_length=1,
        max_length=MAX_CLIENT_ID_LENGTH,
        help_text="Your app's own id for the point (a UUID, a counter), unique among the points "
        "you report. Optional, and recommended: a point with the same `client_id` and "
        "`recorded_at` as one already recorded is skipped and counted in `duplicates`, so a "
        "batch sent again after a lost answer adds nothing. Without it a point is a repeat when "
        "its `recorded_at` is already recorded on the request.",
    )


class LocationBatchSerializer(serializers.Serializer):
    points = serializers.ListField(
        child=LocationPointInputSerializer(), min_length=1, max_length=MAX_BATCH_SIZE
    )


class LocationBatchResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="How many points were recorded.")
    duplicates = serializers.IntegerField(
        help_text="How many were skipped as already recorded (sent before, or twice in this batch)."
    )
    count = serializers.IntegerField(help_text="The same as `accepted`, for apps written before it.")
