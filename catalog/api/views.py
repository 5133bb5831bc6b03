"""Catalogue API: anyone reads the active services; admins add and change them."""

from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api.serializers import ServiceInputSerializer, ServiceSerializer
from catalog.filters import ServiceFilter
from householdsvc.core import cache as public_cache
from householdsvc.core.permissions import IsAdmin, is_admin
from householdsvc.core.schema import errors

# What the list's answer depends on besides the catalogue: its filters and its page.
LIST_PARAMETERS = ("search", "kind", "pin_code", "page", "page_size")
# Admins (by token or session) see inactive services too: the answer varies on both.
VARY = ("Accept", "Authorization", "Cookie")
PLAIN_JSON = {None, "*/*", "application/json"}

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

    def dispatch(self, request, *args, **kwargs):
        # The catalogue every anonymous app client asks for, straight from the cache, before
        # DRF's layers (authentication, negotiation, filters, serializer); a miss goes on to
        # list(), which fills the cache.
        if (
            self.action_map.get(request.method.lower()) == "list"
            and public_cache.is_shareable(request)
            and request.META.get("HTTP_ACCEPT") in PLAIN_JSON
            and not public_cache.asks_for(request, "format")
        ):
            key = public_cache.query_key(request, *LIST_PARAMETERS, absolute=True)
            entry = public_cache.lookup("services", key)[1]
            if entry is not None:
                return public_cache.respond(request, entry, VARY)
        return super().dispatch(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        renderer = request.accepted_renderer
        if is_admin(request.user) or renderer.format != "json" or ";" in request.accepted_media_type:
            response = super().list(request, *args, **kwargs)
            public_cache.mark_private(response, VARY)
            return response
        # Everybody but an admin sees the same catalogue: one cached answer for all of them.
        key = public_cache.query_key(request, *LIST_PARAMETERS, absolute=True)
        version, entry = public_cache.lookup("services", key)
        if entry is None:
            response = super().list(request, *args, **kwargs)
            if version is None:  # the cache is down: answered afresh, not stored
                public_cache.mark_private(response, VARY)
                return response
            body = renderer.render(response.data, request.accepted_media_type, self.get_renderer_context())
            entry = public_cache.Entry.of(body, "application/json", version)
            public_cache.store_entry("services", key, entry)
        if public_cache.is_shareable(request):
            return public_cache.respond(request, entry, VARY)
        response = HttpResponse(entry.body, content_type=entry.content_type)
        public_cache.mark_private(response, VARY)
        return response

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
