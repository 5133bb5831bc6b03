"""Input checks of the request services: each collects messages per field, or raises
``ValidationFailed`` with them, so every caller (API, web pages, back office) gets the same
400 naming the field."""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from catalog.models import Service
from householdsvc.core.validation import invalid
from requests_app.models import ServiceRequest
from requests_app.selectors import qualified_for

# A preferred time a few minutes ago is a form filled in slowly, not a booking in the past.
SCHEDULE_GRACE = timedelta(minutes=5)
# The final price is refused above 100 times the service's base price, and above 100,000 in
# any case (a free service, base price 0, is bounded by that ceiling alone): well beyond any
# genuine job, well before a typo of a few extra zeros.
FINAL_PRICE_BASE_MULTIPLE = 100
FINAL_PRICE_CEILING = Decimal("100000.00")
CENT = Decimal("0.01")
PIN_CODE_MAX_LENGTH = ServiceRequest._meta.get_field("pin_code").max_length
CANCEL_REASON_MAX_LENGTH = ServiceRequest._meta.get_field("cancel_reason").max_length


def check_scheduled_for(scheduled_for, errors: dict) -> datetime | None:
    if scheduled_for is None:
        return None
    if not isinstance(scheduled_for, datetime):
        errors["scheduled_for"] = [gettext("Enter a date and time.")]
        return None
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    if scheduled_for < timezone.now() - SCHEDULE_GRACE:
        errors["scheduled_for"] = [gettext("The preferred time is in the past.")]
    elif scheduled_for > timezone.now() + timedelta(days=settings.BOOKING_HORIZON_DAYS):
        # No professional's calendar reaches the year 9999; a far date is a typo or a probe.
        errors["scheduled_for"] = [
            gettext("Bookings open at most %(days)s days ahead.") % {"days": settings.BOOKING_HORIZON_DAYS}
        ]
    return scheduled_for


def check_text(value, field: str, errors: dict, *, required=False, max_length=None) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = [gettext("This field is required.")]
    elif max_length and len(text) > max_length:
        errors[field] = [gettext("At most %(count)s characters.") % {"count": max_length}]
    return text


def is_home(home, address: str, pin_code: str) -> bool:
    """Whether a booking's address and pin code are the customer's home ones, as a form sends
    them back (line ends and spacing aside)."""
    return " ".join(address.split()) == " ".join(home.address.split()) and (
        pin_code.strip() == home.pin_code.strip()
    )


def assignable_professional(professional, service_request: ServiceRequest):
    user_model = get_user_model()
    if not isinstance(professional, user_model):
        try:
            professional = user_model.objects.filter(pk=int(professional)).first()
        except (TypeError, ValueError):
            professional = None
    if professional is None:
        invalid({"professional": ["Unknown professional."]})
    try:
        profile = professional.professional_profile
    except ObjectDoesNotExist:
        profile = None
    if professional.role != Role.PROFESSIONAL or profile is None:
        invalid({"professional": ["This user is not a professional."]})
    if not professional.is_active:
        invalid({"professional": ["This professional is blocked."]})
    if not profile.is_approved:
        invalid({"professional": ["This professional is not approved."]})
    if profile.service_id != service_request.service_id:
        invalid({"professional": ["This professional does not offer the request's service."]})
    if not qualified_for(profile, service_request):
        invalid(
            {
                "professional": [
                    "This request is for an electric vehicle: the professional is not EV-certified."
                ]
            }
        )
    return professional


def final_price_limit(service: Service) -> Decimal:
    """The highest final price accepted for a job of this service (see FINAL_PRICE_CEILING)."""
    if service.base_price > 0:
        return min(service.base_price * FINAL_PRICE_BASE_MULTIPLE, FINAL_PRICE_CEILING)
    return FINAL_PRICE_CEILING


def clean_final_price(final_price, service: Service) -> Decimal:
    try:
        price = Decimal(str(final_price)) if final_price is not None else None
    except (InvalidOperation, ValueError):
        price = None
    if price is None or not price.is_finite():
        invalid({"final_price": ["Enter the price charged, as a number."]})
    if price < 0:
        invalid({"final_price": ["The price cannot be negative."]})
    if price != price.quantize(CENT):
        invalid({"final_price": ["At most two decimal places."]})
    limit = final_price_limit(service)
    if price > limit:
        invalid({"final_price": [f"At most {limit} for this service."]})
    return price.quantize(CENT)
