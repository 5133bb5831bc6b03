"""The tracking API: ``requests/{request_id}/locations/``, a batch of points in, the points the
caller may see out. Thin: parse, call the service or the selector, render.

The service answers in the project's order: a request the caller may not see is 404, a visible
one they may not report on is 403 ``not_allowed``, one in the wrong state 409 ``not_trackable``,
bad points 400 naming each point and field (``points[2].latitude``), and nothing is written.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.response import Response

from householdsvc.core.api import Pagination
from householdsvc.core.parsers import FastJSONParser
from householdsvc.core.schema import ErrorSerializer, ValidationErrorSerializer
from tracking import services
from tracking.api.serializers import (
    LocationBatchResultSerializer,
    LocationBatchSerializer,
    LocationPointSerializer,
)
from tracking.models import LocationUpdate
from tracking.selectors import location_list
from tracking.validation import MAX_BATCH_SIZE

REQUEST_ID = OpenApiParameter(
    "request_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The service request's id."
)
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="Not signed in (`not_authenticated`).")
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such request, or not yours to see (`not_found`)."
)


@extend_schema_view(
    list=extend_schema(
        summary="The request's tracking points you may see",
        description="Newest first. Admins see every point; the assigned professional their own; "
        "the customer the professional's position only while the request is `en_route` or "
        "`on_site` (points since they set off), otherwise an empty list; anyone else who may see "
        "the request, none. Live updates: WebSocket `/ws/requests/{request_id}/`.",
        parameters=[REQUEST_ID],
        tags=["tracking"],
        responses={200: LocationPointSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Report a batch of positions (assigned professional)",
        description=f"1 to {MAX_BATCH_SIZE} points, all or none recorded, while the request is "
        "`assigned`, `en_route` or `on_site`. Your current position becomes the newest point, "
        "which is also pushed to the request's live watchers. A point already recorded is "
        "skipped and counted: the same `client_id` and `recorded_at` as one you reported before "
        "(or, for a point without `client_id`, the same `recorded_at` on this request), also "
        "within the batch. So resending a batch whose answer was lost is harmless: `accepted` "
        "then says 0 and `duplicates` the batch's size.",
        parameters=[REQUEST_ID],
        tags=["tracking"],
        request=LocationBatchSerializer,
        responses={
            201: LocationBatchResultSerializer,
            400: OpenApiResponse(
                ValidationErrorSerializer,
                description="Bad input (`invalid`): `errors` names the point and field, e.g. "
                "`points[2].recorded_at`, or `points` for the list itself. A body that is not "
                "JSON at all is `parse_error`, without `errors`.",
            ),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer,
                description="You may see the request but are not its assigned professional (`not_allowed`).",
            ),
            404: NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer,
                description="The request is not being worked on: requested, completed, closed or "
                "cancelled (`not_trackable`).",
            ),
            415: OpenApiResponse(
                ErrorSerializer, description="Not JSON (`unsupported_media_type`): a batch is JSON only."
            ),
        },
    ),
)
class RequestLocationViewSet(viewsets.GenericViewSet):
    serializer_class = LocationPointSerializer
    pagination_class = Pagination
    filter_backends = []
    # A batch is a list of objects, which a form cannot carry; read with orjson (the same data
    # and errors as DRF's JSONParser, householdsvc.core.parsers).
    parser_classes = [FastJSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return LocationUpdate.objects.none()
        return location_list(user=self.request.user, request_id=self.kwargs["request_id"])

    def list(self, request, request_id=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, request_id=None):
        points = request.data.get("points") if isinstance(request.data, dict) else None
        batch = services.location_batch_record(request_id=request_id, user=request.user, points=points)
        # LocationBatchResultSerializer's shape, three integers: written out, not serialized.
        answer = {"accepted": batch.accepted, "duplicates": batch.duplicates, "count": batch.accepted}
        return Response(answer, status=status.HTTP_201_CREATED)
