"""An admin action other back-office pages reuse: export the selected rows to CSV.

    from exports.admin_actions import export_selected_as_csv
    actions = [export_selected_as_csv(ExportKind.SERVICE_REQUESTS)]

The selection becomes an export job filtered on its ids (``{"ids": [...]}``) through the same
service as the API and the "New export" form; the CSV is written in the background.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exports.models import ExportKind
from exports.queries import MAX_SELECTED_IDS
from exports.services import export_job_create
from householdsvc.core.errors import ServiceError


def export_selected_as_csv(kind: str):
    label = lazy(lambda: str(ExportKind(kind).label).lower(), str)()

    @admin.action(description=format_lazy(gettext_lazy("Export selected {label} to CSV"), label=label))
    def export_selected(modeladmin, request, queryset):
        # One more than allowed tells us the selection is too big without counting it all.
        ids = list(queryset.order_by().values_list("pk", flat=True)[: MAX_SELECTED_IDS + 1])
        if len(ids) > MAX_SELECTED_IDS:
            modeladmin.message_user(
                request,
                _("Select at most %(count)s rows to export, or use New export with filters.")
                % {"count": MAX_SELECTED_IDS},
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
                _('Export #{number} of {count} {label} started: <a href="{url}">follow it here</a>.'),
                number=job.pk,
                count=len(ids),
                label=label,
                url=url,
            ),
            messages.SUCCESS,
        )
        return None

    export_selected.__name__ = f"export_selected_{kind}_as_csv"
    return export_selected
