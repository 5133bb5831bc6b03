from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exports.models import ExportJob, ExportKind


class ExportJobCreateSerializer(serializers.Serializer):
    """What to export. Filters by kind — service_requests: status, service, pin_code,
    created_after, created_before, ids; professionals: verification_status, service, pin_code,
    ids; reviews: rating, service, created_after, created_before, ids (dates as YYYY-MM-DD)."""

    kind = serializers.ChoiceField(choices=ExportKind.choices)
    filters = serializers.DictField(required=False, default=dict)


class ExportJobSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(
        read_only=True, allow_null=True, help_text="0 to 1, null until counted."
    )
    requested_by = serializers.EmailField(source="requested_by.email", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "kind",
            "filters",
            "status",
            "progress",
            "rows_done",
            "rows_total",
            "row_count",
            "error",
            "requested_by",
            "task_id",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    # Null until the file is written: the schema says so, or a pending job's body broke it.
    @extend_schema_field(serializers.URLField(allow_null=True, help_text="Null until the file is ready."))
    def get_download_url(self, job) -> str | None:
        if not job.file:
            return None
        path = reverse("api:export-download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
