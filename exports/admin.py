"""The back office for exports: the job list, a "New export" form, each job's live progress
and download link, and the record of scheduled emails sent. Every write goes through
exports.services; admins start jobs but never edit them by hand."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from exports import admin_dashboard
from exports.admin_actions import export_selected_as_csv
from exports.forms import ExportStartForm
from exports.models import ExportJob, ExportKind, ExportStatus, SentNotification
from exports.services import export_job_create
from householdsvc.core.errors import ServiceError, ValidationFailed
from householdsvc.core.permissions import is_admin
from requests_app.admin import ServiceRequestAdmin
from reviews.admin import ReviewAdmin


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "progress_display",
        "row_count",
        "requested_by",
        "created_at",
        "finished_at",
        "download_link",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["requested_by"]
    search_fields = ["requested_by__email"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = [
        "kind",
        "filters",
        "status",
        "progress_display",
        "rows_done",
        "rows_total",
        "row_count",
        "download_link",
        "error",
        "requested_by",
        "task_id",
        "created_at",
        "started_at",
        "finished_at",
    ]
    fields = readonly_fields
    change_form_template = "admin/exports/exportjob/change_form.html"

    # Exports are an admin tool; the jobs themselves are written only by the services.
    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_add_permission(self, request):
        return is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return is_admin(request.user)

    @admin.display(description=_("progress"))
    def progress_display(self, job):
        if job.progress is None:
            return "—" if job.status == ExportStatus.PENDING else f"{job.rows_done} rows"
        return f"{job.progress:.0%} ({job.rows_done} / {job.rows_total or job.rows_done})"

    @admin.display(description=_("file"))
    def download_link(self, job):
        if job.status != ExportStatus.COMPLETED or not job.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("exports:download", args=[job.pk]), _("Download CSV")
        )

    def get_urls(self):
        # The dashboard lives here because exports owns the numbers; admin_view lets only staff
        # in, and the page checks is_admin.
        dashboard = self.admin_site.admin_view(self.dashboard_view)
        return [path("dashboard/", dashboard, name="exports_dashboard"), *super().get_urls()]

    def dashboard_view(self, request):
        if not is_admin(request.user):
            raise PermissionDenied
        return admin_dashboard.dashboard(request, admin_site=self.admin_site)

    def add_view(self, request, form_url="", extra_context=None):
        """ "New export": choose a kind and its filters; the job starts in the background."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ExportStartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = export_job_create(
                    actor=request.user, kind=form.cleaned_data["kind"], filters=form.export_filters()
                )
            except ValidationFailed as exc:
                form.add_service_errors(exc.errors)
            except ServiceError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
            else:
                self.message_user(
                    request, _("Export #%(number)s started.") % {"number": job.pk}, messages.SUCCESS
                )
                return redirect("admin:exports_exportjob_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("New export"),
            "opts": self.model._meta,
            "form": form,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/exports/exportjob/new_export.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "status_url": reverse("exports:status", args=[object_id]) if str(object_id).isdigit() else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(SentNotification)
class SentNotificationAdmin(admin.ModelAdmin):
    """Who was sent which scheduled email for which day or month (read-only)."""

    list_display = ["sent_at", "kind", "recipient", "period_key", "item_count"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "period_key"]
    date_hierarchy = "sent_at"
    show_full_result_count = False
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Exports contributes to the back office of what it exports (those apps are below it in the import
# order, so they cannot name this action themselves): a CSV action on each changelist, and the
# dashboard, reached from the admin index.
ServiceRequestAdmin.actions = (
    *ServiceRequestAdmin.actions,
    export_selected_as_csv(ExportKind.SERVICE_REQUESTS),
)
ReviewAdmin.actions = (*ReviewAdmin.actions, export_selected_as_csv(ExportKind.REVIEWS))
