"""Back office for tracking points: read-only (they are GPS reports, appended by the ingest
service), and built for ten million rows."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from householdsvc.core.admin import EstimatedCountPaginator, ReadOnlyAdminMixin
from tracking import admin_board
from tracking.models import LocationUpdate

REQUEST_FILTER = "request__id__exact"


@admin.register(LocationUpdate)
class LocationUpdateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "request_link",
        "reported_by",
        "source",
        "latitude",
        "longitude",
        "accuracy",
        "recorded_at",
        "received_at",
    )
    list_select_related = ("reported_by",)
    # Points are looked at per request (the request's page links here with ?request__id__exact=).
    # There is no list filter: none of the other columns is indexed, and at ten million rows an
    # unindexed filter is a full scan.
    search_fields = ()
    raw_id_fields = ("request", "reported_by")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_ordering(self, request):
        # One request's points come newest first from its (request, -recorded_at) index; the
        # whole table in arrival order from the primary key (recorded_at alone has no index).
        if request.GET.get(REQUEST_FILTER):
            return ("-recorded_at", "-id")
        return ("-id",)

    @admin.display(description=_("request"), ordering="request_id")
    def request_link(self, point):
        # The id is on the row itself: linking needs no join with the requests.
        url = reverse("admin:requests_app_servicerequest_change", args=[point.request_id])
        return format_html('<a href="{}">#{}</a>', url, point.request_id)

    def get_urls(self):
        # The dispatch board (tracking.admin_board): staff through admin_view, admins only.
        board = self.admin_site.admin_view(self.dispatch_board_view)
        data = self.admin_site.admin_view(admin_board.board_json)
        return [
            path("dispatch-board/", board, name="tracking_dispatch_board"),
            path("dispatch-board/data.json", data, name="tracking_dispatch_board_data"),
            *super().get_urls(),
        ]

    def dispatch_board_view(self, request):
        return admin_board.board_page(request, admin_site=self.admin_site)
