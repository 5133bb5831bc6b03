from rest_framework.routers import SimpleRouter

from exports.api.views import ExportJobViewSet

router = SimpleRouter()
router.register("exports", ExportJobViewSet, basename="export")

urlpatterns = router.urls
