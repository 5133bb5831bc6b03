from django.urls import path

from accounts import (
    language_views,
    notification_views,
    password_views,
    profile_views,
    search_views,
    views,
)

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/reset/", password_views.password_reset, name="password_reset"),
    path(
        "password/reset/<uidb64>/<token>/",
        password_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/change/", password_views.password_change, name="password_change"),
    path("confirm/<uidb64>/<token>/", password_views.email_confirm, name="email_confirm"),
    path("confirm/resend/", password_views.email_confirmation_resend, name="email_confirmation_resend"),
    path("unlock/<uidb64>/<token>/", password_views.unlock, name="unlock"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notifications_read_all"),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path("signup/", views.signup, name="signup"),
    path("signup/professional/", views.signup_professional, name="signup_professional"),
    path("profile/", views.profile, name="profile"),
    path("pending/", views.pending, name="pending"),
    path("language/", language_views.set_language, name="set_language"),
    path("professionals/", search_views.professional_search, name="professional_search"),
    path("professionals/<int:pk>/", profile_views.professional_public, name="professional_public"),
    path("professionals/<int:pk>/document/", views.professional_document, name="professional_document"),
]
