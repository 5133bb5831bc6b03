from django.urls import path
from rest_framework.routers import SimpleRouter

from tracking.api.views import RequestLocationViewSet
from tracking.api.ws_ticket import WsTicketView

router = SimpleRouter()
# Beside the request's own routes (requests_app.api.urls). Any id reaches the view, whose
# selector answers the project's JSON 404 for one that is not a number.
router.register(
    r"requests/(?P<request_id>[^/.]+)/locations", RequestLocationViewSet, basename="request-location"
)

urlpatterns = [path("ws-ticket/", WsTicketView.as_view(), name="ws-ticket"), *router.urls]
