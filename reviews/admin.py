"""Back office for reviews: read-only here, because a review's rating moves the professional's
aggregate, which ``reviews.services`` keeps in step in the same transaction."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from householdsvc.core import admin as core_admin
from householdsvc.core.admin import ReadOnlyAdminMixin
from requests_app.admin import ServiceRequestAdmin
from reviews.models import Review


class RatingFilter(admin.SimpleListFilter):
    """One to five stars, listed without asking the database (the default field filter runs a
    SELECT DISTINCT over every review)."""

    title = _("rating")
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [(str(stars), f"{stars}★") for stars in range(5, 0, -1)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(rating=int(self.value()))
        return queryset


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, core_admin.ScalableChangelistMixin, admin.ModelAdmin):
    list_display = ("id", "request_link", "rating", "customer", "professional", "short_comment", "created_at")
    list_select_related = ("customer", "professional")
    # Rating has no index of its own, but reviews are spread over five values: walking the
    # created_at index finds a page of any of them quickly.
    list_filter = (RatingFilter, "created_at")
    # Shown as the search box; get_search_results does the searching through indexed columns.
    search_fields = ("=request__id", "^customer__email", "^professional__email")
    search_help_text = (
        "A request id, or the customer or professional: the start of their email or part of their name."
    )
    date_hierarchy = "created_at"
    raw_id_fields = ("request", "customer", "professional")
    ordering = ("-created_at", "-id")
    # The CSV action comes from exports' admin (exports is above reviews in the import order).
    actions = ()
    fields = ("request", "rating", "comment", "customer", "professional", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer", "professional")

    def get_search_results(self, request, queryset, search_term):
        found = core_admin.search_people_and_numbers(
            queryset, search_term, number_fields=("request_id", "pk")
        )
        return found, False

    @admin.display(description=_("request"), ordering="request_id")
    def request_link(self, review):
        url = reverse("admin:requests_app_servicerequest_change", args=[review.request_id])
        return format_html('<a href="{}">#{}</a>', url, review.request_id)

    @admin.display(description=_("comment"))
    def short_comment(self, review):
        return review.comment if len(review.comment) <= 80 else review.comment[:79] + "…"


class ReviewInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Review
    extra = 0
    can_delete = False
    fields = ("rating", "comment", "customer", "professional", "created_at", "updated_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer", "professional")


# The request's page in the back office shows its review: contributed here, by the app that owns
# reviews, because requests_app's admin may not import reviews.
ServiceRequestAdmin.inlines = (*ServiceRequestAdmin.inlines, ReviewInline)
