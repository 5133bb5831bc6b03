from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import notification_views, password_views, views
from accounts.api.positions import PositionView

router = SimpleRouter()
router.register("professionals", views.ProfessionalViewSet, basename="professional")
router.register("users", views.UserViewSet, basename="user")
router.register("notifications", notification_views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="auth-register"),
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/token/refresh/", views.TokenRefreshBlockAwareView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", password_views.LogoutView.as_view(), name="auth-logout"),
    path("auth/password/reset/", password_views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password/reset/confirm/",
        password_views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/password/change/", password_views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("auth/email/confirm/", password_views.EmailConfirmView.as_view(), name="auth-email-confirm"),
    path(
        "auth/email/resend/", password_views.EmailConfirmationResendView.as_view(), name="auth-email-resend"
    ),
    path("auth/unlock/", password_views.UnlockView.as_view(), name="auth-unlock"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/position/", PositionView.as_view(), name="me-position"),
    path(
        "me/notification-preferences/",
        notification_views.NotificationPreferencesView.as_view(),
        name="me-notification-preferences",
    ),
    *router.urls,
]
