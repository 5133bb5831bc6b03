from django.urls import path
from rest_framework.routers import SimpleRouter

from reviews.api.profile import ProfessionalProfileView
from reviews.api.views import RequestReviewView, ReviewViewSet

router = SimpleRouter()
router.register("reviews", ReviewViewSet, basename="review")

urlpatterns = [
    # The request's own router has no ``review`` route; this one sits beside it.
    path("requests/<int:request_id>/review/", RequestReviewView.as_view(), name="request-review"),
    path("professionals/<int:id>/profile/", ProfessionalProfileView.as_view(), name="professional-profile"),
    *router.urls,
]
