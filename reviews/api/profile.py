"""The public profile of a professional for app clients: ``professionals/{id}/profile/``.

Composed here, at the top of what it shows: the professional as accounts shows them to
everyone, whether they are verified, the jobs they have done (requests_app) and their most
recent reviews (reviews). Public: anonymous clients too (throttled per client, scope
``public_profile``); an unknown, pending or blocked professional is a 404 for everyone."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import ProfessionalSerializer
from accounts.api.throttling import ScopedRateThrottle
from accounts.selectors import professional_public_get
from householdsvc.core.schema import errors
from requests_app.selectors import jobs_done_count
from reviews import selectors
from reviews.api.serializers import ReviewSerializer

RECENT_REVIEWS = 5
ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The professional's user id."
)


class PublicReviewSerializer(ReviewSerializer):
    # First names of the customers who wrote them, as on the page.
    customer_name = serializers.CharField(source="customer.get_short_name", read_only=True)


class ProfessionalProfileSerializer(ProfessionalSerializer):
    verified = serializers.SerializerMethodField()
    jobs_done = serializers.SerializerMethodField(help_text="Jobs completed or closed.")
    recent_reviews = serializers.SerializerMethodField(help_text="The 5 newest reviews.")

    class Meta(ProfessionalSerializer.Meta):
        fields = [*ProfessionalSerializer.Meta.fields, "verified", "jobs_done", "recent_reviews"]
        read_only_fields = fields

    def get_verified(self, profile) -> bool:
        return profile.is_approved

    def get_jobs_done(self, profile) -> int:
        return jobs_done_count(professional_id=profile.user_id)

    @extend_schema_field(PublicReviewSerializer(many=True))
    def get_recent_reviews(self, profile):
        user = self.context["request"].user
        recent = selectors.profile_reviews(user=user, professional_id=profile.user_id)[:RECENT_REVIEWS]
        return PublicReviewSerializer(recent, many=True).data


class ProfessionalProfileView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_profile"

    @extend_schema(
        summary="A professional's public profile: verified badge, rating, recent reviews, jobs done",
        parameters=[ID],
        responses={200: ProfessionalProfileSerializer, **errors(404, 429)},
        tags=["professionals"],
    )
    def get(self, request, id):
        profile = professional_public_get(professional_id=id)
        return Response(ProfessionalProfileSerializer(profile, context={"request": request}).data)
