"""Input checks of the accounts services: each adds messages to a ``problems`` dict (field
name → messages) so one ValidationFailed reports every bad field at once. Checks other apps
share too (a position, raising the collected problems) are in householdsvc.core.validation."""

from django.contrib.auth import password_validation
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext, gettext_noop

from accounts.models import Role, User
from householdsvc.core import errors
from householdsvc.core.validation import REQUIRED

DUPLICATE_EMAIL = gettext_noop("An account with this email address already exists.")


def email_taken(email: str) -> bool:
    """Whether an account already uses this email, in any case: emails are unique ignoring
    case (the database's unique index on the lowercased email enforces it at the insert)."""
    return User.objects.filter(email__iexact=email.strip()).exists()


def check_length(problems: dict, model, **values) -> None:
    for field_name, value in values.items():
        max_length = model._meta.get_field(field_name).max_length
        if value and max_length and len(value) > max_length:
            problems.setdefault(field_name, []).append(
                gettext("At most %(count)s characters.") % {"count": max_length}
            )


def check_identity(problems: dict, *, email, password, full_name, phone) -> tuple[str, str, str]:
    """Validate who is signing up; returns the normalised (email, full_name, phone)."""
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    phone = (phone or "").strip()
    if not email:
        problems["email"] = [gettext(REQUIRED)]
    else:
        try:
            validate_email(email)
        except DjangoValidationError:
            problems["email"] = [gettext("Enter a valid email address.")]
        else:
            if email_taken(email):
                problems["email"] = [gettext(DUPLICATE_EMAIL)]
    if not full_name:
        problems["full_name"] = [gettext(REQUIRED)]
    check_length(problems, User, email=email, full_name=full_name, phone=phone)
    if not password:
        problems["password"] = [gettext(REQUIRED)]
    else:
        try:
            # The similarity validator compares against the would-be user's attributes.
            password_validation.validate_password(password, user=User(email=email, full_name=full_name))
        except DjangoValidationError as exc:
            problems["password"] = list(exc.messages)
    return email, full_name, phone


def check_int(problems: dict, field_name: str, value, *, low: int, high: int | None = None) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        problems.setdefault(field_name, []).append(gettext("Enter a whole number."))
        return None
    if number < low or (high is not None and number > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        problems.setdefault(field_name, []).append(gettext("Must be %(bound)s.") % {"bound": bound})
        return None
    return number


def ensure_active(user) -> None:
    """A blocked account can do nothing: the first check of every service a user acts through,
    whichever app it is in."""
    if not user.is_active:
        raise errors.NotAllowed(gettext("This account is blocked."), code="account_blocked")


# --- Who may work ----------------------------------------------------------------------------
# A professional gets work only once an admin has approved them, and never while blocked. As a
# filter the rule is accounts.models.working_professional_q (ProfessionalProfile.objects.working()
# on profiles); this is the same rule for a user already loaded.


def is_working_professional(user) -> bool:
    """Whether this user is a professional who may be offered, assigned or shown work now."""
    if not (user.is_active and user.role == Role.PROFESSIONAL):
        return False
    try:
        profile = user.professional_profile
    except ObjectDoesNotExist:
        return False
    return profile.is_approved
