"""Shareable tracking links (DESIGN, "Who sees what"): a request's customer makes a signed link
that needs no login and shows only the request's status, the professional's first name and
vehicle, their position and the ETA — nothing of the customer, not even the position they
asked help at. The link stops working (410) when the request is completed, closed or
cancelled, or when the customer revokes it.

The token is ``django.core.signing`` over the ``TrackingLink`` row's id, so a guessed or
altered token is refused without a query, and revoking is one column.
"""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from householdsvc.core.errors import Conflict, NotAllowed, NotFound
from requests_app.models import TRACKABLE_STATUSES, WATCHED_STATUSES, Status
from requests_app.selectors import service_request_get
from requests_app.status_words import status_word
from tracking import selectors
from tracking.eta import eta_for
from tracking.models import TrackingLink

SALT = "tracking.link"
# After these the link answers 410 Gone (COMPLETED is watched by its customer, not by a link).
OVER_STATUSES = (Status.COMPLETED, Status.CLOSED, Status.CANCELLED)


class LinkGone(Exception):
    """The link was revoked or its request is over: 410."""


def link_token(link: TrackingLink) -> str:
    return signing.dumps({"link": link.pk}, salt=SALT)


def _own_request(user, request_id):
    service_request = service_request_get(user=user, request_id=request_id)
    if service_request.customer_id != user.pk:
        raise NotAllowed(gettext("Only the request's customer may share its tracking."))
    return service_request


def tracking_link_create(*, user, request_id) -> TrackingLink:
    """A new link to the customer's own request while it can still be followed."""
    with transaction.atomic():
        service_request = _own_request(user, request_id)
        if service_request.status not in WATCHED_STATUSES or service_request.status in OVER_STATUSES:
            raise Conflict(
                gettext("A request that is %(status)s cannot be shared.")
                % {"status": status_word(service_request.status)},
                code="not_shareable",
            )
        return TrackingLink.objects.create(request=service_request)


def tracking_link_revoke(*, user, request_id, link_id) -> TrackingLink:
    with transaction.atomic():
        service_request = _own_request(user, request_id)
        link = TrackingLink.objects.select_for_update().filter(pk=link_id, request=service_request).first()
        if link is None:
            raise NotFound(gettext("No such tracking link."))
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
        return link


def tracking_links_active(*, user, service_request) -> list[TrackingLink]:
    """The customer's links to their request that still work (for their request page)."""
    if service_request.customer_id != user.pk:
        return []
    return list(TrackingLink.objects.filter(request=service_request, revoked_at__isnull=True))


def shared_view(token: str) -> dict:
    """What the link's holder sees; ``NotFound`` for a token that is not ours, ``LinkGone``
    once revoked or over."""
    try:
        link_id = signing.loads(token, salt=SALT)["link"]
    except (signing.BadSignature, KeyError, TypeError):
        raise NotFound(gettext("No such tracking link.")) from None
    link = (
        TrackingLink.objects.select_related(
            "request__professional__professional_profile", "request__customer"
        )
        .filter(pk=link_id)
        .first()
    )
    if link is None:
        raise NotFound(gettext("No such tracking link."))
    service_request = link.request
    if link.revoked_at is not None or service_request.status in OVER_STATUSES:
        raise LinkGone()
    professional = service_request.professional
    point = None
    if service_request.status in TRACKABLE_STATUSES:
        # Exactly what the customer themselves may see of the trip.
        point = selectors.location_latest(user=service_request.customer, service_request=service_request)
    profile = getattr(professional, "professional_profile", None) if professional else None
    return {
        "status": service_request.status,
        "status_label": Status(service_request.status).label,
        "professional": {
            "first_name": professional.full_name.split(" ")[0],
            "vehicle": profile.vehicle_registration if profile else "",
        }
        if professional
        else None,
        "point": {
            "latitude": float(point.latitude),
            "longitude": float(point.longitude),
            "recorded_at": point.recorded_at.isoformat(),
        }
        if point
        else None,
        "eta": _public_eta(eta_for(service_request, point)) if point else None,
    }


def _public_eta(eta):
    if eta is None:
        return None
    # Distance and speed stay out: with the professional's position they would give away how
    # far the customer is, i.e. where.
    return {key: eta[key] for key in ("minutes", "arrives_at", "arrives_at_clock", "late")}
