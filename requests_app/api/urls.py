from django.urls import path
from rest_framework.routers import SimpleRouter

from requests_app.api import money
from requests_app.api.payments import PayView, StripeWebhookView
from requests_app.api.views import ServiceRequestViewSet

router = SimpleRouter()
router.register("requests", ServiceRequestViewSet, basename="request")

urlpatterns = [
    *router.urls,
    path("requests/<int:id>/pay/", PayView.as_view(), name="request-pay"),
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
]
