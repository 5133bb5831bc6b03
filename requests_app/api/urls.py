from django.urls import path
from rest_framework.routers import SimpleRouter

from requests_app.api import money
from requests_app.api.messages import RequestMessagesView
from requests_app.api.offers import OfferViewSet
from requests_app.api.payments import PayView, StripeWebhookView
from requests_app.api.quotes import QuoteView
from requests_app.api.views import ServiceRequestViewSet
from requests_app.schedule import api as schedule_api

router = SimpleRouter()
router.register("requests", ServiceRequestViewSet, basename="request")
router.register("offers", OfferViewSet, basename="offer")

urlpatterns = [
    # Before the router, whose requests/<pk>/ would take "quote" for an id.
    path("requests/quote/", QuoteView.as_view(), name="request-quote"),
    *router.urls,
    path("requests/<int:id>/pay/", PayView.as_view(), name="request-pay"),
    path("requests/<int:id>/messages/", RequestMessagesView.as_view(), name="request-messages"),
    path("payments/stripe/webhook/", StripeWebhookView.as_view(), name="stripe-webhook"),
    path("price-estimate/", money.EstimateView.as_view(), name="price-estimate"),
    path("requests/<int:id>/price/", money.PriceView.as_view(), name="request-price"),
    path(
        "requests/<int:id>/price-change/approve/",
        money.PriceChangeApproveView.as_view(),
        name="price-approve",
    ),
    path(
        "requests/<int:id>/price-change/decline/",
        money.PriceChangeDeclineView.as_view(),
        name="price-decline",
    ),
    path(
        "requests/<int:id>/price-change/settle/", money.PriceChangeSettleView.as_view(), name="price-settle"
    ),
    path("requests/<int:id>/checkout/", money.CheckoutView.as_view(), name="request-checkout"),
    path("services/<int:id>/slots/", schedule_api.SlotsView.as_view(), name="service-slots"),
    path(
        "requests/<int:id>/cancel/preview/", schedule_api.CancelPreviewView.as_view(), name="cancel-preview"
    ),
    path("requests/<int:id>/reschedule/", schedule_api.RescheduleView.as_view(), name="reschedule"),
    path("schedule/working-hours/", schedule_api.WorkingHoursView.as_view(), name="working-hours"),
    path("schedule/time-off/", schedule_api.TimeOffListView.as_view(), name="time-off-list"),
    path("schedule/time-off/<int:id>/", schedule_api.TimeOffDetailView.as_view(), name="time-off-detail"),
]
