from rest_framework.routers import SimpleRouter

from catalog.api.views import ServiceViewSet

router = SimpleRouter()
router.register("services", ServiceViewSet, basename="service")

urlpatterns = router.urls
