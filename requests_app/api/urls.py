from django.urls import path
from rest_framework.routers import SimpleRouter

from requests_app.api.payments import PayView, StripeWebhookView
from requests_app.api.views import ServiceRequestViewSet
from requests_app.schedule import api as schedule_api

router = SimpleRouter()
router.register("requests", ServiceRequestViewSet, basename="request")

urlpatterns = [
    *router.urls,
    path("requests/<int:id>/pay/", PayView.as_view(), name="request-pay"),
    path("payments/stripe/webhook/", StripeWebhookView.as_view(), name="stripe-webhook"),
    path("services/<int:id>/slots/", schedule_api.SlotsView.as_view(), name="service-slots"),
    path(
        "requests/<int:id>/cancel/preview/", schedule_api.CancelPreviewView.as_view(), name="cancel-preview"
    ),
    path("requests/<int:id>/reschedule/", schedule_api.RescheduleView.as_view(), name="reschedule"),
    path("schedule/working-hours/", schedule_api.WorkingHoursView.as_view(), name="working-hours"),
    path("schedule/time-off/", schedule_api.TimeOffListView.as_view(), name="time-off-list"),
    path("schedule/time-off/<int:id>/", schedule_api.TimeOffDetailView.as_view(), name="time-off-detail"),
]
