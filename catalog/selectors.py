"""Every read of the catalogue, scoped by the acting user."""

from django.db.models import QuerySet
from django.utils.translation import gettext

from catalog.models import Service
from householdsvc.core import errors
from householdsvc.core.permissions import is_admin
from householdsvc.core.prepared import fetch_fixed_rows


def services_visible_to(user) -> QuerySet[Service]:
    """Admins see the whole catalogue; everybody else only the services that can be booked."""
    queryset = Service.objects.order_by("name")
    return queryset if is_admin(user) else queryset.filter(is_active=True)


def service_choices() -> list[tuple[int, str]]:
    """Every service as ``(id, name)`` by name, the whole catalogue (the admin's filters): read
    afresh each time, through a statement compiled once and prepared per connection."""
    return fetch_fixed_rows(
        "catalog.service_choices", lambda: Service.objects.order_by("name").values_list("pk", "name")
    )


def service_get(*, user, service_id) -> Service:
    service = services_visible_to(user).filter(pk=service_id).first()
    if service is None:
        raise errors.NotFound(gettext("No such service."))
    return service


def bookable_service(service, errors: dict, *, field: str = "service") -> Service | None:
    """The service (a ``Service`` or its id) if it exists and is active — the one rule for "a
    service one may book or sign up for" — else ``None`` with a message under ``field``."""
    service_id = service.pk if isinstance(service, Service) else service
    try:
        found = Service.objects.filter(pk=int(service_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        errors[field] = [gettext("Choose a service from the catalogue.")]
    elif not found.is_active:
        errors[field] = [gettext("This service is no longer offered.")]
        return None
    return found
