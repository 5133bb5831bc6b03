from django.urls import path

from tracking.consumers import RequestTrackingConsumer
from tracking.offers_consumer import OffersConsumer

websocket_urlpatterns = [
    path("ws/requests/<int:request_id>/", RequestTrackingConsumer.as_asgi()),
    path("ws/offers/", OffersConsumer.as_asgi()),
]
