"""Every read of the catalogue, scoped by the acting user."""

from django.db.models import QuerySet

from catalog.models import Service
from householdsvc.core import errors
from householdsvc.core.permissions import is_admin


def services_visible_to(user) -> QuerySet[Service]:
    """Admins see the whole catalogue; everybody else only the services that can be booked."""
    queryset = Service.objects.order_by("name")
    return queryset if is_admin(user) else queryset.filter(is_active=True)


def service_get(*, user, service_id) -> Service:
    service = services_visible_to(user).filter(pk=service_id).first()
    if service is None:
        raise errors.NotFound("No such service.")
    return service
