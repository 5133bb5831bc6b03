"""A customer books a service (the request is created and offered) and edits it while nobody has
taken it."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import Role
from accounts.passwords import ensure_email_confirmed
from accounts.validation import ensure_active
from catalog.selectors import bookable_service
from householdsvc.core.errors import NotAllowed
from householdsvc.core.validation import position, raise_if_invalid
from requests_app import offers, validation
from requests_app.models import (
    Action,
    RequestEvent,
    ServiceRequest,
    Status,
    VehicleType,
)
from requests_app.money import pricing
from requests_app.schedule import services as schedule
from requests_app.services.guards import (
    ensure_state,
    service_request_lock,
)
from requests_app.validation import PIN_CODE_MAX_LENGTH

# --- Create and edit ----------------------------------------------------------------------


def service_request_create(
    *,
    customer,
    service,
    description,
    address="",
    pin_code="",
    latitude=None,
    longitude=None,
    vehicle_type="",
    scheduled_for=None,
    remarks="",
    first_offer_to=None,
) -> ServiceRequest:
    """A customer books a service. The estimate is the quote (requests_app.quotes: the base
    price, plus the per-km price times the distance for roadside help), set here and never
    taken from the caller. A household job needs an address and pin code (the customer's
    home by default); roadside help needs the position to be dispatched to. ``first_offer_to``:
    a series' next occurrence is offered first to that professional alone (``offers``)."""
    ensure_active(customer)
    if customer.role != Role.CUSTOMER:
        raise NotAllowed(gettext("Only customers may request a service."))
    ensure_email_confirmed(customer, "book")
    errors: dict[str, list[str]] = {}
    service = bookable_service(service, errors)
    description = validation.check_text(description, "description", errors, required=True)
    address = validation.check_text(address, "address", errors)
    pin_code = validation.check_text(pin_code, "pin_code", errors, max_length=PIN_CODE_MAX_LENGTH)
    remarks = validation.check_text(remarks, "remarks", errors)
    latitude, longitude = position(latitude, longitude, errors)
    scheduled_for = validation.check_scheduled_for(scheduled_for, errors)
    if service is not None and not service.is_dispatch and scheduled_for and "scheduled_for" not in errors:
        schedule.check_slot_time(scheduled_for, errors)
    vehicle_type = vehicle_type or ""
    if vehicle_type and vehicle_type not in VehicleType.values:
        errors["vehicle_type"] = [
            gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(VehicleType.values)}
        ]

    if service is not None and service.is_dispatch:
        for field in ("latitude", "longitude"):
            if latitude is None and longitude is None and field not in errors:
                errors[field] = [gettext("Roadside help needs the position to be dispatched to.")]
    elif service is not None:
        try:
            home = customer.customer_profile
        except ObjectDoesNotExist:
            home = None
        if home is not None and not address and not pin_code:
            address, pin_code = home.address, home.pin_code
        if home is not None and latitude is None and validation.is_home(home, address, pin_code):
            # The home's position only for the home's address: a job booked elsewhere without
            # a position has none, rather than being offered by distance around the home.
            latitude, longitude = home.latitude, home.longitude
        if not address:
            errors.setdefault("address", [gettext("A household job needs the address to come to.")])
        if not pin_code:
            errors.setdefault("pin_code", [gettext("A household job needs the pin code.")])
    raise_if_invalid(errors)
    estimate = pricing.estimate_for(
        service=service, latitude=latitude, longitude=longitude, vehicle_type=vehicle_type
    )
    with transaction.atomic():
        if not service.is_dispatch and scheduled_for:
            # Under the slots' lock until the commit: two bookings of the last free
            # professional are checked one after the other (the second is a 409 slot_full).
            schedule.ensure_bookable(service=service, pin_code=pin_code, start=scheduled_for)
        service_request = ServiceRequest.objects.create(
            service=service,
            customer=customer,
            description=description,
            address=address,
            pin_code=pin_code,
            latitude=latitude,
            longitude=longitude,
            vehicle_type=vehicle_type,
            scheduled_for=scheduled_for,
            remarks=remarks,
            price_estimate=estimate.total,
            estimate_parts=estimate.as_json(),
        )
        RequestEvent.objects.create(
            request=service_request,
            action=Action.CREATE,
            from_status="",
            to_status=Status.REQUESTED,
            actor=customer,
        )
        offers.offers_open_first_round(service_request=service_request, first_to=first_offer_to)
    return service_request


# ``service_request_edit``'s default for the preferred time: leave it as it is (``None``
# clears it, so "not given" needs its own value).
UNCHANGED = object()


def service_request_edit(
    *,
    request_id,
    actor,
    description=None,
    address=None,
    pin_code=None,
    latitude=None,
    longitude=None,
    scheduled_for=UNCHANGED,
    remarks=None,
) -> ServiceRequest:
    """The customer changes their request while nobody has taken it yet. ``None`` leaves a
    field as it is, except the preferred time: ``None`` clears it and leaving it out keeps it.
    A household job given a new address or pin code without a new position loses its old one
    (it would be offered by distance around where the job no longer is); a roadside job keeps
    its position, which is what it is dispatched to, unless given a new one. The trail records
    which fields changed."""
    ensure_active(actor)
    with transaction.atomic():
        service_request = service_request_lock(request_id=request_id, visible_to=actor)
        if service_request.customer_id != actor.pk:
            raise NotAllowed(gettext("Only the customer who made the request may edit it."))
        ensure_state(service_request, Action.EDIT)

        errors: dict[str, list[str]] = {}
        needs_address = not service_request.service.is_dispatch
        proposed = {}
        if description is not None:
            proposed["description"] = validation.check_text(description, "description", errors, required=True)
        if address is not None:
            proposed["address"] = validation.check_text(address, "address", errors, required=needs_address)
        if pin_code is not None:
            proposed["pin_code"] = validation.check_text(
                pin_code,
                "pin_code",
                errors,
                required=needs_address,
                max_length=PIN_CODE_MAX_LENGTH,
            )
        if remarks is not None:
            proposed["remarks"] = validation.check_text(remarks, "remarks", errors)
        if scheduled_for is not UNCHANGED:
            proposed["scheduled_for"] = validation.check_scheduled_for(scheduled_for, errors)
            if proposed["scheduled_for"] and needs_address and "scheduled_for" not in errors:
                schedule.check_slot_time(proposed["scheduled_for"], errors)
        if latitude is not None or longitude is not None:
            proposed["latitude"], proposed["longitude"] = position(latitude, longitude, errors)
        raise_if_invalid(errors)

        changed = [field for field, value in proposed.items() if getattr(service_request, field) != value]
        if needs_address and proposed.get("scheduled_for") and {"scheduled_for", "pin_code"} & set(changed):
            schedule.ensure_bookable(
                service=service_request.service,
                pin_code=proposed.get("pin_code", service_request.pin_code),
                start=proposed["scheduled_for"],
                exclude_request_id=service_request.pk,
            )
        moved = {"address", "pin_code"} & set(changed)
        if needs_address and moved and "latitude" not in proposed:
            for field in ("latitude", "longitude"):
                if getattr(service_request, field) is not None:
                    proposed[field] = None
                    changed.append(field)
        if not changed:
            return service_request
        for field in changed:
            setattr(service_request, field, proposed[field])
        service_request.save(update_fields=[*changed, "updated_at"])
        RequestEvent.objects.create(
            request=service_request,
            action=Action.EDIT,
            from_status=service_request.status,
            to_status=service_request.status,
            actor=actor,
            note=f"Changed: {', '.join(changed)}.",
        )
    return service_request
