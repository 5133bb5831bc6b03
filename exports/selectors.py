"""Reads of export jobs. Exports are an admin tool: admins see every job, anyone else none."""

from django.db.models import QuerySet
from django.utils.translation import gettext

from exports.models import ExportJob
from householdsvc.core.errors import NotFound
from householdsvc.core.permissions import is_admin


def export_job_list(*, user) -> QuerySet[ExportJob]:
    """Every export job, newest first, for an admin; nothing for anyone else."""
    queryset = ExportJob.objects.select_related("requested_by")
    if not is_admin(user):
        return queryset.none()
    return queryset


def export_job_get(*, user, job_id) -> ExportJob:
    try:
        return export_job_list(user=user).get(pk=int(job_id))
    except (ExportJob.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext("No such export.")) from exc
