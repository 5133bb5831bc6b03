"""Pages behind the admin's export links: the private download and a progress poll.

Export files have no public URL; these views stream them to admins only. Anyone signed in
who is not an admin gets 403; anyone not signed in is sent to the admin login.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from exports import evidence
from exports.models import ExportStatus
from exports.selectors import export_job_get
from householdsvc.core.errors import Conflict, NotFound, ServiceError
from householdsvc.core.permissions import is_admin


def export_file_response(job) -> FileResponse:
    """The job's CSV streamed from private storage; ``Conflict`` when there is none to give."""
    if job.status != ExportStatus.COMPLETED or not job.file:
        raise Conflict(
            gettext("Export #%(number)s is %(status)s; only a completed export can be downloaded.")
            % {"number": job.pk, "status": job.status},
            code="not_ready",
        )
    filename = job.file.name.rsplit("/", 1)[-1]
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=filename, content_type="text/csv")


def _require_admin(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not is_admin(request.user):
        raise PermissionDenied
    return None


@require_GET
def export_download(request, pk):
    if (login := _require_admin(request)) is not None:
        return login
    try:
        return export_file_response(export_job_get(user=request.user, job_id=pk))
    except ServiceError as exc:
        if exc.status_code == 404:
            raise Http404(exc.detail) from exc
        messages.error(request, exc.detail)
        return redirect("admin:exports_exportjob_change", pk)


@require_GET
def export_status(request, pk):
    """What the admin's job page polls to show live progress."""
    if (login := _require_admin(request)) is not None:
        return login
    try:
        job = export_job_get(user=request.user, job_id=pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    return JsonResponse(
        {
            "id": job.pk,
            "status": job.status,
            "status_display": job.get_status_display(),
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "row_count": job.row_count,
            "progress": job.progress,
            "error": job.error,
            "download_url": reverse("exports:download", args=[job.pk]) if job.file else None,
            "finished": job.status not in (ExportStatus.PENDING, ExportStatus.RUNNING),
        }
    )


@require_GET
def evidence_download(request, pk):
    """A request's dispute evidence pack, for its customer and admins."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        filename, content = evidence.evidence_pack(user=request.user, request_id=pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
