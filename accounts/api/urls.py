from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import views
from accounts.api.positions import PositionView

router = SimpleRouter()
router.register("professionals", views.ProfessionalViewSet, basename="professional")
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="auth-register"),
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/token/refresh/", views.TokenRefreshBlockAwareView.as_view(), name="auth-token-refresh"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/position/", PositionView.as_view(), name="me-position"),
    *router.urls,
]
