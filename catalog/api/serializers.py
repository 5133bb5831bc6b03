from rest_framework import serializers

from catalog.models import Service, ServiceKind


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "description",
            "base_price",
            "time_required_minutes",
            "kind",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ServiceInputSerializer(serializers.Serializer):
    """Types only; the catalogue's rules (unique name, price ≥ 0, time > 0) are in
    catalog.services, so the admin pages and the API refuse the same things."""

    name = serializers.CharField(max_length=120, allow_blank=True, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True)
    base_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    time_required_minutes = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ServiceKind.choices, required=False)
    is_active = serializers.BooleanField(required=False)
