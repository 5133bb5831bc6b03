"""Accounts API: sign-up, tokens, own account, professionals and their verification, blocking.
Thin: parse, call a service or a selector, render."""

from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    OpenApiTypes,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import passwords, selectors, services
from accounts.api.serializers import (
    BlockAwareTokenRefreshSerializer,
    EmailTokenObtainPairSerializer,
    MeSerializer,
    MeUpdateSerializer,
    ProfessionalAdminSerializer,
    ProfessionalSerializer,
    ReasonSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    UserStatusSerializer,
)
from accounts.api.throttling import ScopedRateThrottle
from accounts.documents import ALLOWED_DOCUMENT_TYPES, document_response
from accounts.filters import ProfessionalFilter
from accounts.models import Role, User
from householdsvc.core import errors as service_errors
from householdsvc.core.permissions import IsAdmin, is_admin
from householdsvc.core.schema import AnyOfSerializer, errors


class RegisterView(APIView):
    # No session authentication here: sign-up needs no CSRF token from an app.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="auth_register",
        summary="Sign up as a customer (JSON) or a professional (multipart, with the document)",
        request={"application/json": RegisterSerializer, "multipart/form-data": RegisterSerializer},
        responses={201: MeSerializer, **errors(400, 429)},
        tags=["auth"],
    )
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        role = fields.pop("role")
        if role == Role.PROFESSIONAL:
            fields.setdefault("service", None)
            fields.setdefault("document", None)
            user = services.professional_register(**fields)
        else:
            user = services.customer_register(**fields)
        return Response(MeSerializer(selectors.me_get(user=user)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        summary="Log in: exchange email and password for a JWT pair",
        responses={200: TokenPairSerializer, **errors(400, 401, 429)},
        tags=["auth"],
    )
)
class TokenView(TokenObtainPairView):
    serializer_class = EmailTokenObtainPairSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"


@extend_schema_view(
    post=extend_schema(
        summary="Get a new pair; the refresh token sent is revoked (rotation). Refused once blocked",
        responses={200: TokenPairSerializer, **errors(400, 401)},
        tags=["auth"],
    )
)
class TokenRefreshBlockAwareView(TokenRefreshView):
    serializer_class = BlockAwareTokenRefreshSerializer


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="My account and profile", responses={200: MeSerializer, **errors(401)}, tags=["me"]
    )
    def get(self, request):
        return Response(MeSerializer(selectors.me_get(user=request.user)).data)

    @extend_schema(
        summary="Change my name, phone and profile (not my role, email or verification)",
        request=MeUpdateSerializer,
        responses={200: MeSerializer, **errors(400, 401)},
        tags=["me"],
    )
    def patch(self, request):
        serializer = MeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        not_editable = {name for name in request.data if name not in serializer.fields}
        if not_editable:
            raise service_errors.ValidationFailed(
                gettext("Invalid input."),
                errors={name: [gettext("This field cannot be changed.")] for name in sorted(not_editable)},
            )
        services.profile_update(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(selectors.me_get(user=request.user)).data)


PROFESSIONAL_RESPONSE = AnyOfSerializer(
    component_name="ProfessionalAnyView",
    serializers=[ProfessionalSerializer, ProfessionalAdminSerializer],
    resource_type_field_name=None,
)
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The user's id.")


@extend_schema_view(
    list=extend_schema(
        summary="Approved professionals (admins: all, with their verification status)",
        description="Public fields for everyone; admins also get contact details and the decision. "
        "A `near` search is exact for admins only: for everyone else it searches the ~5 km area a "
        "professional is in (a radius of at least 5 km) and `distance_km` is whole km, at least 1, "
        "so the live position of a professional on a job cannot be narrowed down.",
        responses={200: PROFESSIONAL_RESPONSE, **errors(400)},
    ),
    retrieve=extend_schema(
        summary="One professional",
        parameters=[ID_PARAMETER],
        responses={200: PROFESSIONAL_RESPONSE, **errors(404)},
    ),
)
class ProfessionalViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProfessionalFilter
    lookup_value_regex = r"\d+"

    def get_permissions(self):
        if self.action in ("approve", "reject"):
            return [IsAdmin()]
        if self.action == "document":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_queryset(self):
        return selectors.professionals_visible_to(self.request.user)

    def get_object(self):
        return selectors.professional_get(user=self.request.user, professional_id=self.kwargs["pk"])

    def get_serializer_class(self):
        if is_admin(self.request.user):
            return ProfessionalAdminSerializer
        return ProfessionalSerializer

    def _decided(self, profile):
        fresh = selectors.professional_get(user=self.request.user, professional_id=profile.user_id)
        return Response(ProfessionalAdminSerializer(fresh).data)

    @extend_schema(
        summary="Approve a professional after checking their document",
        request=None,
        parameters=[ID_PARAMETER],
        responses={200: ProfessionalAdminSerializer, **errors(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decided(services.professional_approve(professional_id=pk, actor=request.user))

    @extend_schema(
        summary="Reject a professional, saying why",
        request=ReasonSerializer,
        parameters=[ID_PARAMETER],
        responses={200: ProfessionalAdminSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.professional_reject(
            professional_id=pk, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return self._decided(profile)

    @extend_schema(
        summary="Download the private verification document (owner or admin)",
        parameters=[ID_PARAMETER],
        responses={
            # Served with its own type (only these are accepted at sign-up).
            (200, *ALLOWED_DOCUMENT_TYPES): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The file (PDF, JPEG or PNG), as an attachment."
            ),
            **errors(401, 404),
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def document(self, request, pk=None):
        profile = selectors.professional_document_get(user=request.user, professional_id=pk)
        return document_response(profile)


class UserViewSet(viewsets.GenericViewSet):
    """Admins block and unblock accounts."""

    permission_classes = [IsAdmin]
    lookup_value_regex = r"\d+"
    serializer_class = UserStatusSerializer

    def get_queryset(self):  # only the actions below exist, and they go through the services
        return User.objects.none()

    @extend_schema(
        summary="Block an account: no log-in, no token works",
        request=ReasonSerializer,
        parameters=[ID_PARAMETER],
        responses={200: UserStatusSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def block(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_block(user_id=pk, actor=request.user, reason=serializer.validated_data["reason"])
        return Response(UserStatusSerializer(user).data)

    @extend_schema(
        summary="Restore a blocked account",
        request=None,
        parameters=[ID_PARAMETER],
        responses={200: UserStatusSerializer, **errors(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def unblock(self, request, pk=None):
        return Response(UserStatusSerializer(services.user_unblock(user_id=pk, actor=request.user)).data)

    @extend_schema(
        summary="Unlock an account locked after failed log-ins",
        request=None,
        parameters=[ID_PARAMETER],
        responses={200: UserStatusSerializer, **errors(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        return Response(UserStatusSerializer(passwords.user_unlock(user_id=pk, actor=request.user)).data)
