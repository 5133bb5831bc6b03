"""Input checks shared by the accounts services: each adds messages to a ``problems`` dict
(field name → messages) so one ValidationFailed reports every bad field at once."""

from decimal import Decimal, InvalidOperation

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from accounts.models import User
from householdsvc.core import errors

DUPLICATE_EMAIL = "An account with this email address already exists."
REQUIRED = "This field is required."


def raise_if(problems: dict[str, list[str]]) -> None:
    if problems:
        raise errors.ValidationFailed("Invalid input.", errors=problems)


def check_length(problems: dict, model, **values) -> None:
    for field_name, value in values.items():
        max_length = model._meta.get_field(field_name).max_length
        if value and max_length and len(value) > max_length:
            problems.setdefault(field_name, []).append(f"At most {max_length} characters.")


def check_identity(problems: dict, *, email, password, full_name, phone) -> tuple[str, str, str]:
    """Validate who is signing up; returns the normalised (email, full_name, phone)."""
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    phone = (phone or "").strip()
    if not email:
        problems["email"] = [REQUIRED]
    else:
        try:
            validate_email(email)
        except DjangoValidationError:
            problems["email"] = ["Enter a valid email address."]
        else:
            if User.objects.filter(email__iexact=email).exists():
                problems["email"] = [DUPLICATE_EMAIL]
    if not full_name:
        problems["full_name"] = [REQUIRED]
    check_length(problems, User, email=email, full_name=full_name, phone=phone)
    if not password:
        problems["password"] = [REQUIRED]
    else:
        try:
            # The similarity validator compares against the would-be user's attributes.
            password_validation.validate_password(password, user=User(email=email, full_name=full_name))
        except DjangoValidationError as exc:
            problems["password"] = list(exc.messages)
    return email, full_name, phone


def to_decimal(value, field_name: str, problems: dict) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        problems.setdefault(field_name, []).append("Enter a number.")
        return None


def check_position(problems: dict, latitude, longitude, names=("latitude", "longitude")):
    lat_name, lng_name = names
    latitude = to_decimal(latitude, lat_name, problems)
    longitude = to_decimal(longitude, lng_name, problems)
    if latitude is not None and not -90 <= latitude <= 90:
        problems.setdefault(lat_name, []).append("Latitude must be between -90 and 90.")
    if longitude is not None and not -180 <= longitude <= 180:
        problems.setdefault(lng_name, []).append("Longitude must be between -180 and 180.")
    if (latitude is None) != (longitude is None) and lat_name not in problems and lng_name not in problems:
        missing = lat_name if latitude is None else lng_name
        problems.setdefault(missing, []).append("Give both latitude and longitude, or neither.")
    return latitude, longitude


def check_int(problems: dict, field_name: str, value, *, low: int, high: int | None = None) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        problems.setdefault(field_name, []).append("Enter a whole number.")
        return None
    if number < low or (high is not None and number > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        problems.setdefault(field_name, []).append(f"Must be {bound}.")
        return None
    return number
