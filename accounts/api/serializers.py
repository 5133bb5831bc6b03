"""Input and output shapes of the accounts API. Input serializers only check types; the rules
(unique email, password strength, document type, who may do what) live in accounts.services."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer

from accounts.backends import LOCKED_MESSAGE, blocked_account, blocked_message, locked_account
from accounts.models import CustomerProfile, ProfessionalProfile, Role, User
from accounts.tokens import RefreshToken

# --- sign-up and tokens ------------------------------------------------------------------

PROFESSIONAL_ONLY_FIELDS = (
    "service",
    "experience_years",
    "document",
    "contact_phone",
    "company_name",
    "vehicle_registration",
    "service_radius_km",
    "ev_certified",
)
CUSTOMER_ONLY_FIELDS = ("latitude", "longitude")


class RegisterSerializer(serializers.Serializer):
    """A customer signs up with JSON; a professional with multipart form data carrying the
    verification document (PDF, JPEG or PNG, at most 5 MB)."""

    role = serializers.ChoiceField(choices=[Role.CUSTOMER, Role.PROFESSIONAL])
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(write_only=True, style={"input_type": "password"}, trim_whitespace=False)
    full_name = serializers.CharField(max_length=255)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    pin_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, help_text="Customers only."
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, help_text="Customers only."
    )
    service = serializers.IntegerField(required=False, help_text="Professionals: the catalogue service id.")
    experience_years = serializers.IntegerField(required=False, help_text="Professionals only.")
    document = serializers.FileField(
        required=False, help_text="Professionals: verification document, PDF, JPEG or PNG (multipart)."
    )
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    company_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    vehicle_registration = serializers.CharField(max_length=32, required=False, allow_blank=True)
    service_radius_km = serializers.IntegerField(required=False, help_text="Professionals only (default 50).")
    ev_certified = serializers.BooleanField(required=False, help_text="Professionals only.")

    def validate(self, attrs):
        not_for_role = PROFESSIONAL_ONLY_FIELDS if attrs["role"] == Role.CUSTOMER else CUSTOMER_ONLY_FIELDS
        wrong = {
            name: [f"Not used when signing up as a {attrs['role']}."]
            for name in not_for_role
            if name in attrs
        }
        if wrong:
            raise serializers.ValidationError(wrong)
        return attrs


class EmailTokenObtainPairSerializer(TokenObtainPairSerializer):
    """``{email, password}`` → ``{access, refresh}``; a blocked user is told so."""

    token_class = RefreshToken  # access tokens that a log-out can end (accounts.tokens)

    def validate(self, attrs):
        try:
            return super().validate(attrs)
        except exceptions.AuthenticationFailed:
            blocked = blocked_account(email=attrs.get("email", ""), password=attrs.get("password", ""))
            if blocked is not None:
                raise exceptions.AuthenticationFailed(
                    blocked_message(blocked), code="account_blocked"
                ) from None
            if locked_account(email=attrs.get("email", ""), password=attrs.get("password", "")):
                raise exceptions.AuthenticationFailed(LOCKED_MESSAGE, code="account_locked") from None
            raise exceptions.AuthenticationFailed(
                "No active account with this email and password.", code="invalid_credentials"
            ) from None


class BlockAwareTokenRefreshSerializer(TokenRefreshSerializer):
    """Refreshing is refused once the account is blocked (or gone)."""

    token_class = RefreshToken

    def validate(self, attrs):
        refresh = RefreshToken(attrs["refresh"])  # a bad token raises TokenError → 401
        user = User.objects.filter(pk=refresh.payload.get("user_id")).first()
        if user is None:
            raise exceptions.AuthenticationFailed("This account no longer exists.", code="no_active_account")
        if not user.is_active:
            raise exceptions.AuthenticationFailed(blocked_message(user), code="account_blocked")
        return super().validate(attrs)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class AccessTokenSerializer(serializers.Serializer):
    access = serializers.CharField()


# --- own account -------------------------------------------------------------------------


class CustomerProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerProfile
        fields = ["address", "pin_code", "latitude", "longitude"]


@extend_schema_field(serializers.CharField())
class DocumentUrlField(serializers.Field):
    """Where the owner or an admin downloads a professional's verification document: the
    authorised view, never a public media URL."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, profile) -> str:
        return reverse("api:professional-document", kwargs={"pk": profile.user_id})


class OwnProfessionalProfileSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True)
    document_url = DocumentUrlField()

    class Meta:
        model = ProfessionalProfile
        fields = [
            "service",
            "service_name",
            "experience_years",
            "address",
            "pin_code",
            "contact_phone",
            "company_name",
            "vehicle_registration",
            "service_radius_km",
            "is_available",
            "ev_certified",
            "verification_status",
            "rejection_reason",
            "verified_at",
            "average_rating",
            "rating_count",
            "document_content_type",
            "document_url",
        ]


class MeSerializer(serializers.ModelSerializer):
    """The acting user and the profile of their role (the other one is null)."""

    customer_profile = CustomerProfileSerializer(read_only=True, allow_null=True)
    professional_profile = OwnProfessionalProfileSerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "phone",
            "role",
            "email_confirmed_at",
            "created_at",
            "customer_profile",
            "professional_profile",
        ]
        read_only_fields = fields


class MeUpdateSerializer(serializers.Serializer):
    """What a user may change about themselves; profile fields apply to their role only."""

    full_name = serializers.CharField(max_length=255, required=False)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    pin_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, help_text="Customers only."
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, help_text="Customers only."
    )
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    company_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    vehicle_registration = serializers.CharField(max_length=32, required=False, allow_blank=True)
    experience_years = serializers.IntegerField(required=False)
    service_radius_km = serializers.IntegerField(required=False)
    is_available = serializers.BooleanField(required=False)
    ev_certified = serializers.BooleanField(required=False)


# --- professionals -----------------------------------------------------------------------


class ProfessionalSerializer(serializers.ModelSerializer):
    """What anyone may know about an approved professional."""

    id = serializers.IntegerField(source="user_id", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    distance_km = serializers.SerializerMethodField(
        help_text="Only when searching `near` a position: about how far, in whole km (at least 1), "
        "from the area the professional is in now, never their exact position."
    )
    profile_url = serializers.SerializerMethodField(
        help_text="The public profile page (rating, reviews, jobs done); its API is "
        "`professionals/{id}/profile/`."
    )

    class Meta:
        model = ProfessionalProfile
        fields = [
            "id",
            "full_name",
            "service",
            "service_name",
            "experience_years",
            "pin_code",
            "company_name",
            "service_radius_km",
            "is_available",
            "ev_certified",
            "average_rating",
            "rating_count",
            "distance_km",
            "profile_url",
        ]
        read_only_fields = fields

    def get_profile_url(self, profile) -> str:
        return reverse("accounts:professional_public", args=[profile.user_id])

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=1))
    def get_distance_km(self, profile) -> int | None:
        # Coarse on purpose: with a finer figure three searches would place the professional.
        distance = getattr(profile, "distance_km", None)
        return None if distance is None else max(1, round(distance))


class ProfessionalAdminSerializer(ProfessionalSerializer):
    """An admin's view: contact details, position and the verification decision."""

    email = serializers.EmailField(source="user.email", read_only=True)
    phone = serializers.CharField(source="user.phone", read_only=True)
    is_active = serializers.BooleanField(source="user.is_active", read_only=True)
    document_url = DocumentUrlField()
    distance_km = serializers.SerializerMethodField(
        help_text="Only when searching `near` a position: km from the current position, to 0.1 km."
    )

    class Meta(ProfessionalSerializer.Meta):
        fields = [
            *ProfessionalSerializer.Meta.fields,
            "email",
            "phone",
            "is_active",
            "address",
            "contact_phone",
            "vehicle_registration",
            "current_latitude",
            "current_longitude",
            "position_updated_at",
            "verification_status",
            "verified_by",
            "verified_at",
            "rejection_reason",
            "document_content_type",
            "document_url",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, profile) -> float | None:
        distance = getattr(profile, "distance_km", None)
        return None if distance is None else round(distance, 1)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class UserStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "is_active",
            "blocked_at",
            "block_reason",
            "locked_at",
            "failed_logins",
        ]
        read_only_fields = fields
