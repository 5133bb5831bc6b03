from django.urls import path

from tracking.consumers import RequestTrackingConsumer

websocket_urlpatterns = [
    path("ws/requests/<int:request_id>/", RequestTrackingConsumer.as_asgi()),
]
