"""Reviews' web pages, under the request's own path (included at ``requests/``)."""

from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("<int:pk>/review/", views.review_create, name="create"),
]
