from django.urls import path

from accounts import language_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/professional/", views.signup_professional, name="signup_professional"),
    path("profile/", views.profile, name="profile"),
    path("pending/", views.pending, name="pending"),
    path("language/", language_views.set_language, name="set_language"),
    path("professionals/<int:pk>/document/", views.professional_document, name="professional_document"),
]
