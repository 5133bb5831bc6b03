"""Reviews' part of the request page, contributed by reviews itself (requests_app does not
import it): ``{% load review_tags %}`` then ``{% review_panel service_request %}``.

The panel shows the request's review once there is one, and offers its customer the review
form while a completed or closed request has none; otherwise it renders nothing. The acting
user comes from the page's ``request``; the review is read through the reviews selector.
"""

from django import template

from householdsvc.core import errors
from requests_app.models import REVIEWABLE_STATUSES
from reviews import selectors
from reviews.forms import ReviewForm

register = template.Library()


@register.inclusion_tag("reviews/_panel.html", takes_context=True)
def review_panel(context, service_request):
    user = context["request"].user
    reviewable = service_request.status in REVIEWABLE_STATUSES
    review = None
    if reviewable:
        try:
            review = selectors.review_for_request(user=user, request_id=service_request.pk)
        except errors.NotFound:
            review = None
    can_review = service_request.customer_id == user.pk and reviewable and review is None
    return {
        "service_request": service_request,
        "review": review,
        "can_review": can_review,
        "review_form": ReviewForm() if can_review else None,
        "csrf_token": context.get("csrf_token"),
    }


RECENT_REVIEWS = 5


@register.inclusion_tag("reviews/_professional_reviews.html", takes_context=True)
def professional_reviews(context, professional_profile):
    """Reviews' part of the professional's public profile (and of their own profile page):
    the rating summary and the most recent reviews, as the acting user may see them."""
    user = context["request"].user
    recent = list(
        selectors.profile_reviews(user=user, professional_id=professional_profile.user_id)[:RECENT_REVIEWS]
    )
    return {"profile": professional_profile, "reviews": recent}
