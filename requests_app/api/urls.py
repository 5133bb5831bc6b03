from django.urls import path
from rest_framework.routers import SimpleRouter

from requests_app.api.offers import OfferViewSet
from requests_app.api.payments import PayView, StripeWebhookView
from requests_app.api.quotes import QuoteView
from requests_app.api.views import ServiceRequestViewSet

router = SimpleRouter()
router.register("requests", ServiceRequestViewSet, basename="request")
router.register("offers", OfferViewSet, basename="offer")

urlpatterns = [
    # Before the router, whose requests/<pk>/ would take "quote" for an id.
    path("requests/quote/", QuoteView.as_view(), name="request-quote"),
    *router.urls,
    path("requests/<int:id>/pay/", PayView.as_view(), name="request-pay"),
    path("payments/stripe/webhook/", StripeWebhookView.as_view(), name="stripe-webhook"),
]
