from rest_framework.routers import SimpleRouter

from requests_app.api.views import ServiceRequestViewSet

router = SimpleRouter()
router.register("requests", ServiceRequestViewSet, basename="request")

urlpatterns = router.urls
