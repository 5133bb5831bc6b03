"""Back office for the catalogue: saving goes through catalog.services, like the API."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog import services
from catalog.models import Service
from householdsvc.core.errors import ServiceError

FORM_FIELDS = ("name", "description", "base_price", "time_required_minutes", "kind", "is_active")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "base_price", "time_required_minutes", "is_active", "updated_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "description")
    ordering = ("name",)
    fields = FORM_FIELDS
    actions = ["activate", "deactivate"]

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in FORM_FIELDS if name in form.cleaned_data}
        if change:
            changed = {name: values[name] for name in form.changed_data if name in values}
            saved = services.service_update(service_id=obj.pk, actor=request.user, **changed)
        else:
            saved = services.service_create(actor=request.user, **values)
        # The admin carries on with `obj` (log entry, redirect): make it the saved service.
        obj.__dict__.update(saved.__dict__)

    def _set_active(self, request, queryset, active: bool):
        done, refused = 0, []
        for service_id in queryset.values_list("pk", flat=True):
            try:
                services.service_update(service_id=service_id, actor=request.user, is_active=active)
                done += 1
            except ServiceError as exc:
                refused.append(exc.detail)
        self.message_user(request, f"{'Activated' if active else 'Deactivated'}: {done}.")
        if refused:
            self.message_user(request, "; ".join(refused), level="warning")

    @admin.action(description=_("Activate the selected services"))
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description=_("Deactivate the selected services (no new bookings)"))
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)
