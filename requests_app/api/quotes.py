"""``POST /api/v1/requests/quote/``: the estimate and ETA before booking (requests_app.quotes)."""

from django.conf import settings
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Service
from householdsvc.core.errors import ValidationFailed
from householdsvc.core.schema import ErrorSerializer, ValidationErrorSerializer
from requests_app.models import VehicleType
from requests_app.quotes import quote_for


class QuoteInputSerializer(serializers.Serializer):
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.filter(is_active=True))
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )
    vehicle_type = serializers.ChoiceField(choices=VehicleType.choices, required=False, allow_blank=True)


class QuoteSerializer(serializers.Serializer):
    estimate = serializers.DecimalField(max_digits=10, decimal_places=2)
    base_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    per_km_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    distance_km = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, help_text="From the nearest suitable professional."
    )
    eta_minutes = serializers.IntegerField(
        allow_null=True, help_text="That professional's time to get there."
    )
    professional_available = serializers.BooleanField(help_text="False when nobody suitable is in range now.")
    currency = serializers.CharField()


class QuoteView(APIView):
    @extend_schema(
        summary="Quote before booking",
        description="The estimate a request would carry (base price, plus for roadside help the "
        "per-km price times the distance from the nearest suitable professional) and that "
        "professional's ETA. Roadside services need the position.",
        request=QuoteInputSerializer,
        responses={
            200: QuoteSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, description="Bad input (`invalid`), per field."),
            401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
        },
    )
    def post(self, request):
        data = QuoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        service = values["service"]
        latitude, longitude = values.get("latitude"), values.get("longitude")
        if service.is_dispatch and (latitude is None or longitude is None):
            raise ValidationFailed(
                gettext("Roadside help needs the position."),
                errors={"latitude": [gettext("Roadside help needs the position to be dispatched to.")]},
            )
        quote = quote_for(
            service=service,
            latitude=latitude,
            longitude=longitude,
            vehicle_type=values.get("vehicle_type", ""),
        )
        return Response(QuoteSerializer({**quote.__dict__, "currency": settings.CURRENCY}).data)
