"""Catalogue API: anyone reads the active services; admins add and change them."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api.serializers import ServiceInputSerializer, ServiceSerializer
from catalog.filters import ServiceFilter
from householdsvc.core.permissions import IsAdmin
from householdsvc.core.schema import errors

ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The service's id."
)


@extend_schema_view(
    list=extend_schema(
        summary="The catalogue (admins also see inactive services)",
        responses={200: ServiceSerializer, **errors(400)},
    ),
    retrieve=extend_schema(
        summary="One service", parameters=[ID_PARAMETER], responses={200: ServiceSerializer, **errors(404)}
    ),
    create=extend_schema(
        summary="Add a service (admins)",
        request=ServiceInputSerializer,
        responses={201: ServiceSerializer, **errors(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Change a service (admins)",
        parameters=[ID_PARAMETER],
        request=ServiceInputSerializer(partial=True),
        responses={200: ServiceSerializer, **errors(400, 401, 403, 404)},
    ),
)
class ServiceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ServiceSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ServiceFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        # Per action rather than one read-only-or-admin class, so the schema marks reading the
        # catalogue as open to anyone (drf-spectacular knows AllowAny).
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAdmin()]

    def get_queryset(self):
        return selectors.services_visible_to(self.request.user)

    def get_object(self):
        return selectors.service_get(user=self.request.user, service_id=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = ServiceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service = services.service_create(actor=request.user, **serializer.validated_data)
        return Response(ServiceSerializer(service).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = ServiceInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        service = services.service_update(
            service_id=kwargs["pk"], actor=request.user, **serializer.validated_data
        )
        return Response(ServiceSerializer(service).data)
