"""Every write to the catalogue: admins create and change services."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from catalog.models import Service, ServiceKind
from householdsvc.core import errors
from householdsvc.core.cache import bump_public_on_commit
from householdsvc.core.permissions import is_admin

DUPLICATE_NAME = gettext_noop("A service with this name already exists.")
# The column is a PostgreSQL integer; more than this was a 500 from the database.
MAX_TIME_REQUIRED_MINUTES = 2_147_483_647
EDITABLE = ("name", "description", "base_price", "time_required_minutes", "kind", "is_active")


def _require_admin(actor) -> None:
    if not is_admin(actor):
        raise errors.NotAllowed(gettext("Only admins may change the catalogue."))


def _clean(changes: dict, *, service_id=None) -> dict:
    """Validate the given fields (only those present); returns them normalised."""
    problems: dict[str, list[str]] = {}
    cleaned = {}
    if "name" in changes:
        name = (changes["name"] or "").strip()
        max_length = Service._meta.get_field("name").max_length
        if not name:
            problems["name"] = [gettext("The name cannot be empty.")]
        elif len(name) > max_length:
            problems["name"] = [gettext("At most %(count)s characters.") % {"count": max_length}]
        elif Service.objects.filter(name__iexact=name).exclude(pk=service_id).exists():
            problems["name"] = [gettext(DUPLICATE_NAME)]
        cleaned["name"] = name
    if "description" in changes:
        cleaned["description"] = (changes["description"] or "").strip()
    if "base_price" in changes:
        try:
            price = Decimal(str(changes["base_price"]))
        except (InvalidOperation, ValueError):
            problems["base_price"] = [gettext("Enter a number.")]
        else:
            if not price.is_finite():
                problems["base_price"] = [gettext("Enter a number.")]
            elif price < 0:
                problems["base_price"] = [gettext("The base price cannot be negative.")]
            elif price >= Decimal("1e8"):
                problems["base_price"] = [gettext("The base price is too large.")]
            cleaned["base_price"] = price.quantize(Decimal("0.01")) if price.is_finite() else price
    if "time_required_minutes" in changes:
        try:
            minutes = int(changes["time_required_minutes"])
        except (TypeError, ValueError):
            problems["time_required_minutes"] = [gettext("Enter a whole number of minutes.")]
        else:
            if minutes <= 0:
                problems["time_required_minutes"] = [
                    gettext("The time required must be more than 0 minutes.")
                ]
            elif minutes > MAX_TIME_REQUIRED_MINUTES:
                problems["time_required_minutes"] = [gettext("The time required is too large.")]
            cleaned["time_required_minutes"] = minutes
    if "kind" in changes:
        if changes["kind"] not in ServiceKind.values:
            problems["kind"] = [
                gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(ServiceKind.values)}
            ]
        cleaned["kind"] = changes["kind"]
    if "is_active" in changes:
        cleaned["is_active"] = bool(changes["is_active"])
    if problems:
        raise errors.ValidationFailed(gettext("Invalid input."), errors=problems)
    return cleaned


def _save(service: Service, **kwargs) -> None:
    try:
        # A savepoint, so a name taken by a concurrent write is reported, not a 500.
        with transaction.atomic():
            service.save(**kwargs)
    except IntegrityError:
        raise errors.ValidationFailed(
            gettext("Invalid input."), errors={"name": [gettext(DUPLICATE_NAME)]}
        ) from None


@transaction.atomic
def service_create(
    *,
    actor,
    name,
    base_price,
    time_required_minutes,
    kind=ServiceKind.AT_ADDRESS,
    description="",
    is_active=True,
) -> Service:
    """Add a service to the catalogue."""
    _require_admin(actor)
    cleaned = _clean(
        {
            "name": name,
            "description": description,
            "base_price": base_price,
            "time_required_minutes": time_required_minutes,
            "kind": kind,
            "is_active": is_active,
        }
    )
    service = Service(**cleaned)
    _save(service)
    bump_public_on_commit()
    return service


@transaction.atomic
def service_update(*, service_id, actor, **changes) -> Service:
    """Change some of a service's fields. Deactivating a service stops new bookings; the
    requests and professionals already attached to it are kept."""
    _require_admin(actor)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise errors.ValidationFailed(
            gettext("Invalid input."),
            errors={name: [gettext("This field cannot be changed.")] for name in unknown},
        )
    service = Service.objects.select_for_update().filter(pk=service_id).first()
    if service is None:
        raise errors.NotFound(gettext("No such service."))
    cleaned = _clean(changes, service_id=service.pk)
    for field_name, value in cleaned.items():
        setattr(service, field_name, value)
    _save(service, update_fields=[*cleaned, "updated_at"])
    bump_public_on_commit()
    return service
