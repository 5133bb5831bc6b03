from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from exports.api.serializers import ExportJobCreateSerializer, ExportJobSerializer
from exports.selectors import export_job_get, export_job_list
from exports.services import export_job_create
from exports.views import export_file_response
from householdsvc.core.permissions import IsAdmin
from householdsvc.core.schema import ErrorSerializer, errors


@extend_schema_view(
    list=extend_schema(
        summary="Export jobs, newest first (admins)",
        responses={200: ExportJobSerializer(many=True), **errors(401, 403)},
    ),
    retrieve=extend_schema(
        summary="One export job: status and progress (admins)",
        responses={200: ExportJobSerializer, **errors(401, 403, 404)},
    ),
)
class ExportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """CSV exports written in the background. Admins only; everyone else gets 403."""

    permission_classes = [IsAdmin]
    serializer_class = ExportJobSerializer
    filter_backends = []

    def get_queryset(self):
        return export_job_list(user=self.request.user)

    def get_object(self):
        return export_job_get(user=self.request.user, job_id=self.kwargs["pk"])

    @extend_schema(
        summary="Start an export (admins)",
        request=ExportJobCreateSerializer,
        responses={
            201: ExportJobSerializer,
            **errors(400, 401, 403),
        },
    )
    def create(self, request):
        payload = ExportJobCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = export_job_create(actor=request.user, **payload.validated_data)
        return Response(
            ExportJobSerializer(job, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Download a completed export's CSV (admins)",
        responses={
            (200, "text/csv"): OpenApiResponse(response=OpenApiTypes.BINARY, description="The CSV file."),
            **errors(401, 403, 404),
            409: OpenApiResponse(
                ErrorSerializer,
                description="The export has not completed, or its file has expired (`not_ready`).",
            ),
        },
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        return export_file_response(self.get_object())
