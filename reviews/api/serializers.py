from rest_framework import serializers

from reviews.models import Review
from reviews.services import RATING_MAX, RATING_MIN, REVIEW_COMMENT_MAX_LENGTH


class ReviewCreateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=RATING_MIN, max_value=RATING_MAX)
    comment = serializers.CharField(
        max_length=REVIEW_COMMENT_MAX_LENGTH, allow_blank=True, required=False, default=""
    )


class ReviewEditSerializer(serializers.Serializer):
    """Either or both; an omitted field stays as it is."""

    rating = serializers.IntegerField(min_value=RATING_MIN, max_value=RATING_MAX, required=False)
    comment = serializers.CharField(max_length=REVIEW_COMMENT_MAX_LENGTH, allow_blank=True, required=False)


class ReviewSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.full_name", read_only=True)
    professional_name = serializers.CharField(source="professional.full_name", read_only=True)
    editable_until = serializers.DateTimeField(
        read_only=True, help_text="Until when its author may still change it."
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "request",
            "customer_name",
            "professional",
            "professional_name",
            "rating",
            "comment",
            "created_at",
            "updated_at",
            "editable_until",
        ]
        read_only_fields = fields
