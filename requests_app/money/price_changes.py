"""The customer's answer to a price change, and the admin who settles a declined one.

Each runs in one transaction under the request's row lock (the customer approving while an
admin settles: one of them finds it already decided, 409) and writes a ``price`` event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.validation import ensure_active
from householdsvc.core.errors import Conflict, NotAllowed, NotFound
from householdsvc.core.validation import invalid
from requests_app import validation
from requests_app.money.models import PriceChange, PriceChangeStatus
from requests_app.money.pricing import money, price_event
from requests_app.services import service_request_lock


def _locked_change(request_id, actor):
    service_request = service_request_lock(request_id=request_id, visible_to=actor)
    try:
        change = PriceChange.objects.select_for_update().get(request=service_request)
    except PriceChange.DoesNotExist as exc:
        raise NotFound(gettext("This request has no price change.")) from exc
    return service_request, change


def _decide(change, actor, status, note="", extra_fields=()) -> None:
    change.status = status
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.note = note[:1000]
    change.save(update_fields=["status", "decided_by", "decided_at", "note", *extra_fields])


def price_change_approve(*, request_id, customer) -> PriceChange:
    """The customer accepts the professional's higher final price; it may then be paid."""
    ensure_active(customer)
    with transaction.atomic():
        service_request, change = _locked_change(request_id, customer)
        if service_request.customer_id != customer.pk:
            raise NotAllowed(gettext("Only the customer who made the request may approve its price."))
        if change.status != PriceChangeStatus.PENDING:
            raise Conflict(
                gettext("This price change is already %(status)s.") % {"status": change.status},
                code="price_change_decided",
            )
        _decide(change, customer, PriceChangeStatus.APPROVED)
        price_event(
            service_request, customer, f"Price change approved: {change.proposed_price} {settings.CURRENCY}."
        )
    return change


def price_change_decline(*, request_id, customer, note="") -> PriceChange:
    """The customer refuses the higher price; an admin settles it. Nothing is payable until then."""
    ensure_active(customer)
    errors: dict = {}
    note = validation.check_text(note, "note", errors, max_length=1000)
    if errors:
        invalid(errors)
    with transaction.atomic():
        service_request, change = _locked_change(request_id, customer)
        if service_request.customer_id != customer.pk:
            raise NotAllowed(gettext("Only the customer who made the request may decline its price."))
        if change.status != PriceChangeStatus.PENDING:
            raise Conflict(
                gettext("This price change is already %(status)s.") % {"status": change.status},
                code="price_change_decided",
            )
        _decide(change, customer, PriceChangeStatus.DECLINED, note)
        price_event(
            service_request,
            customer,
            f"Price change declined; an admin will settle it.{' ' + note if note else ''}",
        )
    return change


def price_change_settle(*, request_id, actor, price, note="") -> PriceChange:
    """An admin settles a declined price change at ``price`` (between 0 and the proposed
    price): it becomes the final price, which may then be paid."""
    ensure_active(actor)
    if not actor.is_admin:
        raise NotAllowed(gettext("Only admins settle a disputed price."))
    errors: dict = {}
    note = validation.check_text(note, "note", errors, max_length=1000)
    if errors:
        invalid(errors)
    with transaction.atomic():
        service_request, change = _locked_change(request_id, actor)
        if change.status != PriceChangeStatus.DECLINED:
            raise Conflict(
                gettext("Only a declined price change is settled by an admin: this one is %(status)s.")
                % {"status": change.status},
                code="price_change_not_declined",
            )
        settled = validation.clean_final_price(price, service_request.service)
        if settled > change.proposed_price:
            invalid({"price": [f"At most the proposed price, {change.proposed_price}."]})
        change.settled_price = money(settled)
        _decide(change, actor, PriceChangeStatus.SETTLED, note, extra_fields=["settled_price"])
        service_request.final_price = change.settled_price
        service_request.save(update_fields=["final_price", "updated_at"])
        price_event(
            service_request,
            actor,
            f"Price settled by an admin at {change.settled_price} {settings.CURRENCY}."
            f"{' ' + note if note else ''}",
        )
    return change
