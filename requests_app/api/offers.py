"""``GET /api/v1/offers/``: the signed-in professional's live offers, for apps (the web page
gets the same live over its WebSocket). Thin: the selector scopes, the serializer renders."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from householdsvc.core.schema import ErrorSerializer
from requests_app.models import Offer
from requests_app.offers import offer_list


class OfferSerializer(serializers.ModelSerializer):
    offer_id = serializers.IntegerField(source="pk", read_only=True)
    request_id = serializers.IntegerField(read_only=True)
    service = serializers.CharField(source="request.service.name", read_only=True)
    estimate = serializers.DecimalField(
        source="request.price_estimate", max_digits=10, decimal_places=2, read_only=True, allow_null=True
    )
    pin_code = serializers.CharField(source="request.pin_code", read_only=True)
    description = serializers.CharField(source="request.description", read_only=True)

    class Meta:
        model = Offer
        fields = [
            "offer_id",
            "request_id",
            "service",
            "description",
            "round",
            "distance_km",
            "estimate",
            "pin_code",
            "offered_at",
            "expires_at",
            "state",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="My live offers",
        description="The open offers the signed-in professional may accept now, newest first "
        "(accept with `POST /api/v1/requests/{request_id}/accept/`). Empty for other roles.",
        responses={
            200: OfferSerializer(many=True),
            401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
        },
    )
)
class OfferViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = OfferSerializer
    filter_backends = []

    def get_queryset(self):
        return offer_list(user=self.request.user)
