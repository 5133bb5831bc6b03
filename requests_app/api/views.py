"""The service-request API: thin views that parse, call a selector or a service, and render.

Every detail route goes through the services and selectors, which answer in a fixed order:
a request the caller may not see is 404 (its existence is not leaked), a visible one the caller
may not act on is 403 ``not_allowed``, one in the wrong state is 409 ``invalid_transition``.
No role check runs before the lookup, because it would answer 403 where the rule says 404.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from householdsvc.core.api import Pagination
from householdsvc.core.filters import AskedFilterBackend
from householdsvc.core.permissions import IsCustomer
from householdsvc.core.schema import ErrorSerializer, ValidationErrorSerializer
from requests_app import services, start_codes
from requests_app.api.serializers import (
    ArriveSerializer,
    AssignSerializer,
    CancelSerializer,
    CompleteSerializer,
    RejectSerializer,
    RequestEventSerializer,
    ServiceRequestCreateSerializer,
    ServiceRequestEditSerializer,
    ServiceRequestListSerializer,
    ServiceRequestSerializer,
    StartCodeSerializer,
)
from requests_app.filters import ServiceRequestFilter
from requests_app.models import ServiceRequest
from requests_app.schedule.release import service_request_release
from requests_app.selectors import service_request_events, service_request_get, service_request_list

UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="Not signed in (`not_authenticated`).")
BAD_INPUT = OpenApiResponse(ValidationErrorSerializer, description="Bad input (`invalid`), per field.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="You may see it but not do this (`not_allowed`).")
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such request, or not yours to see (`not_found`)."
)
WRONG_STATE = OpenApiResponse(
    ErrorSerializer, description="Not allowed from the request's current status (`invalid_transition`)."
)
UPDATED = OpenApiResponse(ServiceRequestSerializer, description="The request after the change.")


def transition_schema(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={
            200: UPDATED,
            400: BAD_INPUT,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: WRONG_STATE,
        },
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the requests you may see",
        description="Admins see all, customers their own, professionals the open requests offered "
        "to them and those assigned to them.",
        # Rows are built by ServiceRequestListSerializer, whose JSON is this serializer's.
        responses={200: ServiceRequestSerializer(many=True), 400: BAD_INPUT, 401: UNAUTHENTICATED},
    ),
    create=extend_schema(
        summary="Request a service (customers)",
        description="The price estimate is the service's base price, set by the server. Position "
        "is required for dispatch (roadside) services; address and pin code for household ones "
        "(your home by default).",
        request=ServiceRequestCreateSerializer,
        responses={201: ServiceRequestSerializer, 400: BAD_INPUT, 401: UNAUTHENTICATED, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="One request",
        responses={200: ServiceRequestSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    ),
    partial_update=transition_schema(
        "Edit your open request (customer)",
        "Only the customer who made it, while it is still `requested`. Each edit is recorded.",
        ServiceRequestEditSerializer,
    ),
)
class ServiceRequestViewSet(viewsets.GenericViewSet):
    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilter
    filter_backends = [AskedFilterBackend]
    pagination_class = Pagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ServiceRequest.objects.none()
        return service_request_list(user=self.request.user)

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), IsCustomer()]
        return super().get_permissions()

    def _render(self, service_request, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(service_request).data, status=status_code)

    @staticmethod
    def _input(serializer_class, request):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def get_serializer_class(self):
        if self.action == "list":
            return ServiceRequestListSerializer
        return super().get_serializer_class()

    def list(self, request):
        rows = ServiceRequestListSerializer.rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        data = self._input(ServiceRequestCreateSerializer, request)
        service_request = services.service_request_create(customer=request.user, **data)
        return self._render(service_request, status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return self._render(service_request_get(user=request.user, request_id=pk))

    def partial_update(self, request, pk=None):
        data = self._input(ServiceRequestEditSerializer, request)
        return self._render(services.service_request_edit(request_id=pk, actor=request.user, **data))

    @transition_schema(
        "Accept an offered request (professional)",
        "A professional holding a live offer for it (`GET /api/v1/offers/`): 403 `not_offered` "
        "without one, 409 `offer_expired` or `offer_withdrawn` once it has closed. When two "
        "accept at once one wins; the other gets 409.",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._render(services.service_request_accept(request_id=pk, professional=request.user))

    @transition_schema(
        "Turn an offered request down (professional)",
        "It stays open for others and is never offered to you again.",
        RejectSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = self._input(RejectSerializer, request)
        return self._render(
            services.service_request_reject(request_id=pk, professional=request.user, note=data["note"])
        )

    @transition_schema(
        "Assign an open request to a professional (admin)",
        "The professional must be approved, active and offer the request's service (400 otherwise).",
        AssignSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = self._input(AssignSerializer, request)
        return self._render(
            services.service_request_assign(
                request_id=pk, professional=data["professional"], actor=request.user
            )
        )

    @transition_schema("Set off (assigned professional)", "From `assigned` to `en_route`.")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._render(services.service_request_start(request_id=pk, professional=request.user))

    @transition_schema(
        "Arrive (assigned professional)",
        "From `en_route` to `on_site`, with the customer's start code: a wrong one is 400 "
        "`wrong_start_code`; after five wrong ones arriving is locked (409 `start_code_locked`) "
        "until an admin unlocks it.",
        ArriveSerializer,
    )
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        data = self._input(ArriveSerializer, request)
        return self._render(
            services.service_request_arrive(
                request_id=pk, professional=request.user, start_code=data["start_code"]
            )
        )

    @extend_schema(
        summary="The request's start code (its customer only)",
        description="Four digits the customer reads out to the professional, who needs them to "
        "arrive. Anyone but the request's customer gets 404.",
        responses={200: StartCodeSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path="start-code", filter_backends=[], pagination_class=None)
    def start_code(self, request, pk=None):
        service_request = service_request_get(user=request.user, request_id=pk)
        code = start_codes.start_code_for(user=request.user, service_request=service_request)
        return Response(StartCodeSerializer({"start_code": code}).data)

    @transition_schema(
        "Complete the job (assigned professional)",
        "From `assigned`, `en_route` or `on_site`. The final price is at least 0 and at most 100 "
        "times the service's base price, never above 100000.",
        CompleteSerializer,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        data = self._input(CompleteSerializer, request)
        return self._render(
            services.service_request_complete(
                request_id=pk,
                professional=request.user,
                final_price=data["final_price"],
                price_reason=data["price_reason"],
            )
        )

    @transition_schema(
        "Give an assigned job back (assigned professional)",
        "From `assigned` (before setting off) back to `requested`, offered anew to others. A "
        "release within LATE_RELEASE_HOURS of the slot is counted on your profile.",
        RejectSerializer,
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        data = self._input(RejectSerializer, request)
        return self._render(
            service_request_release(request_id=pk, professional=request.user, note=data["note"])
        )

    @transition_schema("Close a completed request (customer or admin)", "From `completed` to `closed`.")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._render(services.service_request_close(request_id=pk, actor=request.user))

    @transition_schema(
        "Cancel a request (customer or admin)",
        "From `requested`, `assigned` or `en_route`, with an optional reason.",
        CancelSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = self._input(CancelSerializer, request)
        return self._render(
            services.service_request_cancel(request_id=pk, actor=request.user, reason=data["reason"])
        )

    @extend_schema(
        summary="The request's audit trail",
        description="Every change, oldest first: action, from and to status, who and when. Read-only.",
        responses={200: RequestEventSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], filter_backends=[], serializer_class=RequestEventSerializer)
    def events(self, request, pk=None):
        page = self.paginate_queryset(service_request_events(user=request.user, request_id=pk))
        return self.get_paginated_response(RequestEventSerializer(page, many=True).data)
