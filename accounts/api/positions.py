"""``POST /api/v1/me/position/``: an available professional's position, for dispatch."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.positions import professional_position_report
from householdsvc.core.schema import ErrorSerializer, ValidationErrorSerializer


class PositionInputSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)


class PositionSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, source="current_latitude")
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, source="current_longitude")
    updated_at = serializers.DateTimeField(source="position_updated_at")


class PositionView(APIView):
    @extend_schema(
        summary="Report my position (available professionals)",
        description="Sent every POSITION_REPORT_SECONDS while available; positions older than "
        "POSITION_STALE_MINUTES do not count for offers. 409 `not_available` when availability is off.",
        request=PositionInputSerializer,
        responses={
            200: PositionSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, description="Bad input (`invalid`), per field."),
            401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
            403: OpenApiResponse(ErrorSerializer, description="Not a professional (`not_allowed`)."),
            409: OpenApiResponse(ErrorSerializer, description="Availability is off (`not_available`)."),
        },
    )
    def post(self, request):
        data = PositionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        profile = professional_position_report(user=request.user, **data.validated_data)
        return Response(PositionSerializer(profile).data)
