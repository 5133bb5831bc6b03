"""The review API: ``requests/{id}/review/`` (read, write, edit the review of one request) and
``reviews/`` (lists and single reviews). Thin: parse, call a selector or a service, render.

Who may see a request's review is who may see the request (its customer, its professional, an
admin); anyone else gets 404. The services answer 404, then 403, then 409, after the input has
been parsed (400).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from householdsvc.core.api import Pagination
from householdsvc.core.filters import AskedFilterBackend
from householdsvc.core.schema import ErrorSerializer, ValidationErrorSerializer
from reviews import services
from reviews.api.serializers import ReviewCreateSerializer, ReviewEditSerializer, ReviewSerializer
from reviews.filters import ReviewFilter
from reviews.models import Review
from reviews.selectors import review_for_request, review_get, review_list

UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="Not signed in (`not_authenticated`).")
BAD_INPUT = OpenApiResponse(ValidationErrorSerializer, description="Bad input (`invalid`), per field.")
NOT_YOURS = OpenApiResponse(
    ErrorSerializer, description="You may see it but only its customer may do this (`not_allowed`)."
)
REQUEST_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No such request, not yours to see (`not_found`), or not reviewed yet (`not_reviewed`).",
)
REVIEW_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such review, or not yours to see.")
REQUEST_ID = OpenApiParameter("request_id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RequestReviewView(APIView):
    """The review of one service request."""

    serializer_class = ReviewSerializer

    @extend_schema(
        summary="The request's review",
        description="For the request's customer, its professional and admins.",
        parameters=[REQUEST_ID],
        tags=["reviews"],
        responses={200: ReviewSerializer, 401: UNAUTHENTICATED, 404: REQUEST_NOT_FOUND},
    )
    def get(self, request, request_id):
        return Response(ReviewSerializer(review_for_request(user=request.user, request_id=request_id)).data)

    @extend_schema(
        summary="Review your completed request (customer)",
        description="Once the request is `completed` or `closed`, one review per request: a rating "
        "from 1 to 5 and an optional comment. The professional's average rating follows at once.",
        parameters=[REQUEST_ID],
        tags=["reviews"],
        request=ReviewCreateSerializer,
        responses={
            201: ReviewSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: NOT_YOURS,
            404: REQUEST_NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Not completed or closed yet, or cancelled (`invalid_transition`); "
                "already reviewed (`already_reviewed`).",
            ),
        },
    )
    def post(self, request, request_id):
        data = _input(ReviewCreateSerializer, request)
        review = services.review_create(request_id=request_id, customer=request.user, **data)
        review = review_get(user=request.user, review_id=review.pk)  # with its names joined in
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit your review (customer)",
        description="Its author only, within 7 days of writing it; either field may be omitted.",
        parameters=[REQUEST_ID],
        tags=["reviews"],
        request=ReviewEditSerializer,
        responses={
            200: ReviewSerializer,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: NOT_YOURS,
            404: REQUEST_NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer, description="More than 7 days after writing it (`edit_window_closed`)."
            ),
        },
    )
    def patch(self, request, request_id):
        data = _input(ReviewEditSerializer, request)
        review = review_for_request(user=request.user, request_id=request_id)
        services.review_update(review_id=review.pk, customer=request.user, **data)
        review = review_get(user=request.user, review_id=review.pk)
        return Response(ReviewSerializer(review).data)


@extend_schema_view(
    list=extend_schema(
        summary="List reviews",
        description="Without `professional`: the reviews you wrote (customers), received "
        "(professionals), or all (admins). With `professional=<id>`: every review that approved "
        "professional received, since ratings are public to signed-in users.",
        responses={200: ReviewSerializer(many=True), 400: BAD_INPUT, 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="One review",
        description="Your own, one you received, or any review of an approved professional.",
        responses={200: ReviewSerializer, 401: UNAUTHENTICATED, 404: REVIEW_NOT_FOUND},
    ),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    filter_backends = [AskedFilterBackend]
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Review.objects.none()
        return review_list(user=self.request.user, professional_id=self._professional_id())

    def _professional_id(self) -> int | None:
        # A malformed value is left to the FilterSet, which answers 400.
        try:
            return int(self.request.query_params["professional"])
        except (KeyError, TypeError, ValueError):
            return None

    def get_object(self):
        return review_get(user=self.request.user, review_id=self.kwargs["pk"])
