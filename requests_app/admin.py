"""Back office for service requests.

A request's page is read-only: its state changes only through the status machine, so the
admin's changes are actions (assign, cancel) that call ``requests_app.services`` — the same
functions the API and the web pages call. The changelist is built for a million rows: an
estimated count, filters on indexed columns, every related row joined in one query.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.selectors import service_choices
from householdsvc.core import admin as core_admin
from householdsvc.core.admin import ReadOnlyAdminMixin
from requests_app import admin_views
from requests_app.admin_columns import RequestColumnsMixin
from requests_app.admin_dispatch import OfferInline, UnmatchedFilter, reset_start_codes
from requests_app.models import TRANSITIONS, Action, RequestEvent, ServiceRequest, StripeEvent


class ServiceFilter(admin.SimpleListFilter):
    """Requests of one catalogue service. The choices come from the small catalogue table,
    not from a DISTINCT over the requests as RelatedOnlyFieldListFilter would do."""

    title = _("service")
    parameter_name = "service"

    def lookups(self, request, model_admin):
        return service_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(service_id=int(self.value()))
        return queryset


class RequestEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    ordering = ("created_at", "id")
    verbose_name = _("event")
    verbose_name_plural = _("audit trail")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(
    RequestColumnsMixin, ReadOnlyAdminMixin, core_admin.ScalableChangelistMixin, admin.ModelAdmin
):
    # Short columns that fit 1280 px beside the filters (requests_app/admin_columns.py).
    list_display = (
        "id",
        "status_badge",
        "service",
        "customer_name",
        "professional_name",
        "price",
        "payment",
        "created_at",
    )
    list_display_links = ("id",)
    list_select_related = ("service", "customer", "professional")
    # What those columns read (and the checkbox's label, str(request)): the rest stays unread.
    list_only = (
        *("id", "status", "service", "customer", "professional", "price_estimate", "final_price"),
        *("payment_status", "created_at", "service__name"),
        *("customer__full_name", "customer__email", "professional__full_name", "professional__email"),
    )
    # The columns show those values and nothing else (no clock, no user): a row's HTML is kept
    # by them (householdsvc.core.admin_row_memo).
    list_cells_from_values = True
    list_filter = (
        "status",
        "service__kind",
        ServiceFilter,
        "payment_status",
        UnmatchedFilter,
        "created_at",
    )
    # Shown as the search box; get_search_results does the searching through indexed columns.
    search_fields = ("=id", "=pin_code", "^customer__email", "customer__full_name", "^professional__email")
    search_help_text = (
        "A request id, a pin code, or a customer or professional: "
        "the start of their email or part of their name."
    )
    date_hierarchy = "created_at"
    raw_id_fields = ("service", "customer", "professional")
    ordering = ("-created_at", "-id")
    # Apps above this one add theirs from their own admin (reviews: the review; exports: the
    # CSV action), since this app may not import them.
    inlines = (RequestEventInline, OfferInline)
    actions = ("assign_professional", "cancel_requests", reset_start_codes)
    fieldsets = (
        (None, {"fields": ("service", "customer", "professional", "status", "location_points")}),
        (
            _("Where and when"),
            {
                "fields": (
                    "description",
                    "address",
                    "pin_code",
                    "latitude",
                    "longitude",
                    "vehicle_type",
                    "scheduled_for",
                    "remarks",
                )
            },
        ),
        (
            _("Price and payment"),
            {"fields": ("price_estimate", "final_price", "payment_status", "payment_reference")},
        ),
        (_("Dispatch"), {"fields": ("dispatch_round", "unmatched_at", "start_code_failures")}),
        (
            _("Timeline"),
            {
                "fields": (
                    "created_at",
                    "assigned_at",
                    "started_at",
                    "arrived_at",
                    "completed_at",
                    "closed_at",
                    "cancelled_at",
                    "cancel_reason",
                    "updated_at",
                )
            },
        ),
    )
    readonly_fields = ("location_points",)
    REQUEST_PAGE_ACTIONS = (
        ("assign_professional", "Assign a professional", Action.ASSIGN),
        ("cancel_requests", "Cancel", Action.CANCEL),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("service", "customer", "professional")

    def get_search_results(self, request, queryset, search_term):
        found = core_admin.search_people_and_numbers(queryset, search_term, text_fields=("pin_code",))
        return found, False

    @admin.display(description=_("location points"))
    def location_points(self, service_request):
        url = reverse("admin:tracking_locationupdate_changelist")
        return format_html(
            '<a href="{}?request__id__exact={}">{}</a>', url, service_request.pk, _("Show the points")
        )

    @admin.action(description=_("Assign a professional to the selected requests…"))
    def assign_professional(self, request, queryset):
        return admin_views.assign_action(self, request, queryset)

    @admin.action(description=_("Cancel the selected requests, with a reason…"))
    def cancel_requests(self, request, queryset):
        return admin_views.cancel_action(self, request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        service_request = self.get_object(request, object_id)
        # Offer only the transitions the status machine allows from here; the service still
        # decides (the state may change before the button is pressed).
        extra_context = {
            **(extra_context or {}),
            "request_actions": [
                (name, label)
                for name, label, action in self.REQUEST_PAGE_ACTIONS
                if service_request is not None and service_request.status in TRANSITIONS[action][0]
            ],
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdminMixin, core_admin.ScalableChangelistMixin, admin.ModelAdmin):
    """Stripe's webhook events as received: what each did to which request, or why nothing.
    A few per paid request, so built like the requests' changelist (no count, no DISTINCT)."""

    list_display = ("event_id", "type", "received_at", "processed", "outcome", "service_request")
    list_select_related = ("service_request",)
    list_filter = ("processed",)
    search_fields = ("=event_id",)
    raw_id_fields = ("service_request",)
    ordering = ("-received_at", "-id")
    date_hierarchy = "received_at"
    fields = ("event_id", "type", "received_at", "processed", "outcome", "service_request")
    readonly_fields = fields


# The money screens (price changes, payments and refunds, the earnings ledger).
from requests_app.money import admin as money_admin  # noqa: E402, F401

# The schedule (working hours, time off) registers its own admin screens.
from requests_app.schedule import admin as schedule_admin  # noqa: E402, F401
