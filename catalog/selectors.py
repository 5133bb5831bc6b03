"""Every read of the catalogue, scoped by the acting user."""

from django.db.models import QuerySet

from catalog.filters import ServiceFilter
from catalog.models import Service
from householdsvc import errors


def _is_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_admin)


def services_visible_to(user) -> QuerySet[Service]:
    """Admins see the whole catalogue; everybody else only the services that can be booked."""
    queryset = Service.objects.order_by("name")
    return queryset if _is_admin(user) else queryset.filter(is_active=True)


def service_list(*, user, search=None, kind=None, pin_code=None) -> QuerySet[Service]:
    """The catalogue as the user may see it, searched by name, kind, and the pin code an
    approved professional offers the service in."""
    data = {"search": search, "kind": kind, "pin_code": pin_code}
    data = {name: value for name, value in data.items() if value not in (None, "")}
    queryset = services_visible_to(user)
    if not data:
        return queryset
    filterset = ServiceFilter(data, queryset=queryset)
    if not filterset.is_valid():
        raise errors.ValidationFailed(
            "Invalid filter.", errors={field: list(messages) for field, messages in filterset.errors.items()}
        )
    return filterset.qs


def service_get(*, user, service_id) -> Service:
    service = services_visible_to(user).filter(pk=service_id).first()
    if service is None:
        raise errors.NotFound("No such service.")
    return service
