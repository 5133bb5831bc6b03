"""The dispatch's part of the request admin: the "unmatched" filter, the request's offers as an
inline, and the action that unlocks arriving after too many wrong start codes (it calls the
service, like every admin action)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from householdsvc.core.admin import ReadOnlyAdminMixin
from householdsvc.core.errors import ServiceError
from requests_app.models import Offer, Status
from requests_app.start_codes import start_code_reset


class UnmatchedFilter(admin.SimpleListFilter):
    """Open requests nobody took after every round of offers (or with nobody in range): they
    wait for an admin to assign them. On the partial dispatch index."""

    title = _("dispatch")
    parameter_name = "unmatched"

    def lookups(self, request, model_admin):
        return [("yes", "Unmatched, still open")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=Status.REQUESTED, unmatched_at__isnull=False)
        return queryset


class OfferInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Offer
    extra = 0
    can_delete = False
    fields = ("round", "professional", "distance_km", "offered_at", "expires_at", "state", "closed_at")
    readonly_fields = fields
    ordering = ("round", "distance_km", "id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("professional")


@admin.action(description=_("Unlock arriving (reset wrong start codes)"))
def reset_start_codes(modeladmin, request, queryset):
    done = 0
    for request_id in queryset.filter(start_code_failures__gt=0).values_list("pk", flat=True):
        try:
            start_code_reset(request_id=request_id, actor=request.user)
            done += 1
        except ServiceError as exc:
            modeladmin.message_user(request, f"#{request_id}: {exc.detail}", messages.ERROR)
    modeladmin.message_user(
        request,
        ngettext("Unlocked arriving on %(count)s request.", "Unlocked arriving on %(count)s requests.", done)
        % {"count": done},
        messages.SUCCESS,
    )
