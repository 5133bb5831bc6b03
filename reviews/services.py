"""Writing and editing reviews, with the professional's rating aggregate kept in step.

The aggregate (``ProfessionalProfile.average_rating`` and ``rating_count``) changes in the same
transaction as the review. Several customers may review the same professional at the same
moment, so each write locks the professional's profile row first and then recomputes the
aggregate from the review table: the lock puts the writers in a queue, and because each one
counts *after* acquiring it (a fresh statement under READ COMMITTED), it sees every review
committed before it. A read-modify-write of the old average without the lock would lose updates.

Lock order, to stay clear of deadlocks: the request row (create only), then the profile row,
then the review row (update only).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import ProfessionalProfile
from accounts.validation import ensure_active
from householdsvc.core.cache import bump_public_on_commit
from householdsvc.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from requests_app.models import REVIEWABLE_STATUSES, ServiceRequest
from requests_app.services import service_request_lock
from reviews.models import Review
from reviews.selectors import review_get

RATING_MIN, RATING_MAX = 1, 5
REVIEW_COMMENT_MAX_LENGTH = 2000
CENT = Decimal("0.01")


# --- Guards and input ---------------------------------------------------------------------


def _clean_rating(rating) -> int:
    # bool is an int in Python; True is not a rating.
    if isinstance(rating, bool) or not isinstance(rating, int) or not RATING_MIN <= rating <= RATING_MAX:
        raise ValidationFailed(
            gettext("Invalid rating."),
            errors={
                "rating": [
                    gettext("A whole number from %(minimum)s to %(maximum)s is required.")
                    % {"minimum": RATING_MIN, "maximum": RATING_MAX}
                ]
            },
        )
    return rating


def _clean_comment(comment) -> str:
    comment = (comment or "").strip()
    if len(comment) > REVIEW_COMMENT_MAX_LENGTH:
        raise ValidationFailed(
            gettext("Comment too long."),
            errors={
                "comment": [gettext("At most %(count)s characters.") % {"count": REVIEW_COMMENT_MAX_LENGTH}]
            },
        )
    return comment


def _ensure_not_reviewed(service_request: ServiceRequest) -> None:
    if Review.objects.filter(request_id=service_request.pk).exists():
        raise Conflict(gettext("This request has already been reviewed."), code="already_reviewed")


def _lock_profile(professional_id) -> None:
    """Queue behind any other review of this professional until this transaction ends."""
    list(ProfessionalProfile.objects.select_for_update().filter(user_id=professional_id).values("pk"))


def _refresh_rating(professional_id) -> None:
    """Recompute the professional's average (2 decimals) and count from their reviews.
    The caller holds the profile's row lock."""
    totals = Review.objects.filter(professional_id=professional_id).aggregate(
        count=Count("id"), average=Avg("rating")
    )
    average = Decimal(str(totals["average"] or 0)).quantize(CENT, rounding=ROUND_HALF_UP)
    ProfessionalProfile.objects.filter(user_id=professional_id).update(
        average_rating=average, rating_count=totals["count"], updated_at=timezone.now()
    )


# --- Services -------------------------------------------------------------------------------


def review_create(*, request_id, customer, rating, comment: str = "") -> Review:
    """The customer's review of their completed or closed request: one per request.

    404 if the customer may not see the request, 403 if they are not its customer (its
    professional, an admin), 409 ``invalid_transition`` before it is completed or after it was
    cancelled, 409 ``already_reviewed`` for a second review, 400 for a bad rating or comment.
    """
    ensure_active(customer)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=customer)
        if service_request.customer_id != customer.pk:
            raise NotAllowed(gettext("Only the request's customer may review it."))
        if service_request.status not in REVIEWABLE_STATUSES:
            raise InvalidTransition(
                gettext("A %(status)s request cannot be reviewed; only a completed or closed one can.")
                % {"status": service_request.get_status_display().lower()}
            )
        _ensure_not_reviewed(service_request)
        rating = _clean_rating(rating)
        comment = _clean_comment(comment)

        _lock_profile(service_request.professional_id)
        try:
            # A savepoint, so the outer transaction survives the constraint's error.
            with transaction.atomic():
                review = Review.objects.create(
                    request=service_request,
                    customer=customer,
                    professional_id=service_request.professional_id,
                    rating=rating,
                    comment=comment,
                )
        except IntegrityError as exc:
            # The one-per-request constraint, should a second review get past the check.
            raise Conflict(
                gettext("This request has already been reviewed."), code="already_reviewed"
            ) from exc
        _refresh_rating(service_request.professional_id)
        bump_public_on_commit()  # the professional's public profile shows it
    return review


def review_update(*, review_id, customer, rating=None, comment=None) -> Review:
    """Its author changes the rating and/or comment, within ``REVIEW_EDIT_WINDOW_DAYS`` of
    writing it. 404 if unseen, 403 for anyone but the author, 409 ``edit_window_closed``
    afterwards, 400 for a bad rating or comment. ``None`` leaves a field as it is."""
    ensure_active(customer)
    with transaction.atomic():
        review = review_get(user=customer, review_id=review_id)
        if review.customer_id != customer.pk:
            raise NotAllowed(gettext("Only its author may change a review."))
        _lock_profile(review.professional_id)
        review = Review.objects.select_for_update().get(pk=review.pk)
        if timezone.now() > review.editable_until:
            raise Conflict(
                gettext("A review can be changed only within %(days)s days of writing it.")
                % {"days": settings.REVIEW_EDIT_WINDOW_DAYS},
                code="edit_window_closed",
            )
        changed = []
        if rating is not None:
            review.rating = _clean_rating(rating)
            changed.append("rating")
        if comment is not None:
            review.comment = _clean_comment(comment)
            changed.append("comment")
        if changed:
            review.save(update_fields=[*changed, "updated_at"])
            if "rating" in changed:
                _refresh_rating(review.professional_id)
            bump_public_on_commit()  # the professional's public profile shows it
    return review
