"""Every read of reviews, scoped by the acting user.

- admins see every review;
- a customer sees the reviews they wrote, a professional those they received;
- ratings are shown publicly: the reviews of an approved, active professional are visible to
  every signed-in user, but only when asked for by that professional
  (``review_list(professional_id=...)``, the API's ``reviews/?professional=<id>``) or one by one
  (``review_get``). The default list stays "mine", so it never grows with the whole table.
- anonymous or blocked users see nothing.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from accounts.models import Role, working_professional_q
from householdsvc.core.errors import NotFound
from requests_app.selectors import service_request_get
from reviews.models import Review

_PUBLIC = working_professional_q("professional__")


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _own_q(user) -> Q | None:
    """The reviews that are the user's own business; ``None`` means all of them (admins)."""
    if user.is_admin:
        return None
    if user.role == Role.CUSTOMER:
        return Q(customer_id=user.pk)
    if user.role == Role.PROFESSIONAL:
        return Q(professional_id=user.pk)
    return Q(pk__in=[])


def _base() -> QuerySet[Review]:
    return Review.objects.select_related("customer", "professional")


def review_list(*, user, professional_id: int | None = None) -> QuerySet[Review]:
    """The user's own reviews (given or received; all for an admin), newest first — or, with
    ``professional_id``, every review that professional received if the user may see them."""
    queryset = _base()
    if not _signed_in(user):
        return queryset.none()
    own = _own_q(user)
    if professional_id is None:
        return queryset if own is None else queryset.filter(own)
    queryset = queryset.filter(professional_id=professional_id)
    return queryset if own is None else queryset.filter(own | _PUBLIC)


def public_reviews(*, professional_id) -> QuerySet[Review]:
    """The reviews of a working professional, newest first, as anyone (anonymous visitors
    too) sees them on the public profile; none for a pending or blocked professional."""
    return _base().filter(_PUBLIC, professional_id=professional_id)


def profile_reviews(*, user, professional_id) -> QuerySet[Review]:
    """The reviews a profile shows this viewer: what a signed-in user may see (a professional
    their own even while not working), or the public ones."""
    if _signed_in(user):
        return review_list(user=user, professional_id=professional_id)
    return public_reviews(professional_id=professional_id)


def review_get(*, user, review_id) -> Review:
    """One review the user may see (their own, or a public one); ``NotFound`` otherwise."""
    if not _signed_in(user):
        raise NotFound(gettext("No such review."))
    queryset = _base()
    own = _own_q(user)
    if own is not None:
        queryset = queryset.filter(own | _PUBLIC)
    try:
        return queryset.get(pk=int(review_id))
    except (Review.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext("No such review.")) from exc


def review_for_request(*, user, request_id) -> Review:
    """The review of a request, for whoever may see the request (its customer, its
    professional, an admin); ``NotFound`` if the request is unseen or not reviewed yet."""
    service_request = service_request_get(user=user, request_id=request_id)
    try:
        return _base().get(request_id=service_request.pk)
    except Review.DoesNotExist as exc:
        raise NotFound(gettext("This request has not been reviewed yet."), code="not_reviewed") from exc
