from django.urls import path
from rest_framework.routers import SimpleRouter

from requests_app.api.messages import RequestMessagesView
from requests_app.api.payments import PayView, StripeWebhookView
from requests_app.api.views import ServiceRequestViewSet

router = SimpleRouter()
router.register("requests", ServiceRequestViewSet, basename="request")

urlpatterns = [
    *router.urls,
    path("requests/<int:id>/pay/", PayView.as_view(), name="request-pay"),
    path("requests/<int:id>/messages/", RequestMessagesView.as_view(), name="request-messages"),
    path("payments/stripe/webhook/", StripeWebhookView.as_view(), name="stripe-webhook"),
]
