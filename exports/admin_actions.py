"""An admin action other back-office pages reuse: export the selected rows to CSV.

    from exports.admin_actions import export_selected_as_csv
    actions = [export_selected_as_csv(ExportKind.SERVICE_REQUESTS)]

The selection becomes an export job filtered on its ids (``{"ids": [...]}``) through the same
service as the API and the "New export" form; the CSV is written in the background.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from exports.models import ExportKind
from exports.queries import MAX_SELECTED_IDS
from exports.services import export_job_create
from householdsvc.core.errors import ServiceError


def export_selected_as_csv(kind: str):
    label = ExportKind(kind).label.lower()

    @admin.action(description=f"Export selected {label} to CSV")
    def export_selected(modeladmin, request, queryset):
        # One more than allowed tells us the selection is too big without counting it all.
        ids = list(queryset.order_by().values_list("pk", flat=True)[: MAX_SELECTED_IDS + 1])
        if len(ids) > MAX_SELECTED_IDS:
            modeladmin.message_user(
                request,
                f"Select at most {MAX_SELECTED_IDS} rows to export, or use New export with filters.",
                messages.ERROR,
            )
            return None
        try:
            job = export_job_create(actor=request.user, kind=kind, filters={"ids": ids})
        except ServiceError as exc:
            modeladmin.message_user(request, exc.detail, messages.ERROR)
            return None
        url = reverse("admin:exports_exportjob_change", args=[job.pk])
        modeladmin.message_user(
            request,
            format_html(
                'Export #{} of {} {} started: <a href="{}">follow it here</a>.', job.pk, len(ids), label, url
            ),
            messages.SUCCESS,
        )
        return None

    export_selected.__name__ = f"export_selected_{kind}_as_csv"
    return export_selected
