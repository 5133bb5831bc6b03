"""Every read of accounts, scoped by the acting user."""

import functools

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.utils.translation import gettext

from accounts.filters import ProfessionalFilter
from accounts.models import ProfessionalProfile, User
from householdsvc.core import errors
from householdsvc.core.permissions import is_admin
from householdsvc.core.rows import instance_from_row


def _filtered(filterset_class, data: dict, queryset: QuerySet, *, user) -> QuerySet:
    filterset = filterset_class(data, queryset=queryset, user=user)
    if not filterset.is_valid():
        raise errors.ValidationFailed(
            gettext("Invalid filter."),
            errors={field: list(messages) for field, messages in filterset.errors.items()},
        )
    return filterset.qs


def me_get(*, user) -> User:
    """The acting user with their profile (and a professional's service) in one query."""
    if user is None or not user.is_authenticated:
        raise errors.NotFound(gettext("No such user."))
    return User.objects.select_related(
        "customer_profile", "professional_profile__service", "professional_profile__verified_by"
    ).get(pk=user.pk)


def professionals_visible_to(user) -> QuerySet[ProfessionalProfile]:
    """Admins see every professional with their verification status; everybody else (even
    anonymous visitors) sees only approved professionals whose account is not blocked."""
    queryset = ProfessionalProfile.objects.select_related("user", "service")
    if is_admin(user):
        return queryset.select_related("verified_by").order_by("-created_at", "-user_id")
    return queryset.working().order_by("-average_rating", "-user_id")


def professional_list(
    *,
    user,
    service=None,
    pin_code=None,
    available=None,
    ev_certified=None,
    near=None,
    radius_km=None,
    verification_status=None,
) -> QuerySet[ProfessionalProfile]:
    """Professionals the user may see, filtered like the API's ``professionals/`` list.
    ``near`` is ``(latitude, longitude)`` or ``"lat,lng"``; with it the rows carry
    ``distance_km`` and come nearest first: exactly for admins, from the ~5 km area of the live
    position (and a radius of at least 5 km) for everybody else (see ``accounts.filters``)."""
    if isinstance(near, tuple | list):
        near = f"{near[0]},{near[1]}"
    data = {
        "service": getattr(service, "pk", service),
        "pin_code": pin_code,
        "available": available,
        "ev_certified": ev_certified,
        "near": near,
        "radius_km": radius_km,
        "verification_status": verification_status,
    }
    data = {name: value for name, value in data.items() if value is not None}
    queryset = professionals_visible_to(user)
    return _filtered(ProfessionalFilter, data, queryset, user=user) if data else queryset


def professional_get(*, user, professional_id) -> ProfessionalProfile:
    """One professional the user may see (a professional may always see themselves)."""
    queryset = professionals_visible_to(user)
    profile = queryset.filter(user_id=professional_id).first()
    if (
        profile is None
        and user is not None
        and user.is_authenticated
        and str(user.pk) == str(professional_id)
    ):
        profile = (
            ProfessionalProfile.objects.select_related("user", "service").filter(user_id=user.pk).first()
        )
    if profile is None:
        raise errors.NotFound(gettext("No such professional."))
    return profile


def professional_public_get(*, professional_id) -> ProfessionalProfile:
    """The public profile of a working professional (approved, not blocked), the same for every
    visitor, signed in or not, admins included; anyone else is ``NotFound``."""
    try:
        professional_id = int(professional_id)
    except (TypeError, ValueError):
        raise errors.NotFound(gettext("No such professional.")) from None
    profile = (
        ProfessionalProfile.objects.working()
        .select_related("user", "service")
        .filter(user_id=professional_id)
        .first()
    )
    if profile is None:
        raise errors.NotFound(gettext("No such professional."))
    return profile


def professional_search(*, service=None, pin_code="") -> QuerySet[ProfessionalProfile]:
    """The public search: working professionals (approved, not blocked) of a service and/or
    a base pin code, best rated first, with the user and service in the same query."""
    queryset = ProfessionalProfile.objects.working().select_related("user", "service")
    if service is not None:
        queryset = queryset.filter(service=service)
    if pin_code:
        queryset = queryset.filter(pin_code=pin_code)
    return queryset.order_by("-average_rating", "-user_id")


def professional_document_get(*, user, professional_id) -> ProfessionalProfile:
    """The profile whose private verification document the user may download: their own, or
    anyone's for an admin. For everyone else the document does not exist (NotFound)."""
    if user is None or not user.is_authenticated:
        raise errors.NotFound(gettext("No such document."))
    if not (is_admin(user) or str(user.pk) == str(professional_id)):
        raise errors.NotFound(gettext("No such document."))
    profile = ProfessionalProfile.objects.select_related("user").filter(user_id=professional_id).first()
    if profile is None or not profile.document:
        raise errors.NotFound(gettext("No such document."))
    return profile


@functools.cache
def _user_by_pk_statement(alias: str) -> tuple[str, list[str]]:
    """``User.objects.filter(pk=...)``'s SQL and the fields it reads, compiled once."""
    compiler = User.objects.filter(pk=0).query.get_compiler(alias)
    sql, _ = compiler.as_sql()
    return sql, [column.target.attname for column, _, _ in compiler.select]


def user_by_pk(pk, *, using: str = DEFAULT_DB_ALIAS) -> User | None:
    """The user row, read now (None: no such user): what ``User.objects.get(pk=pk)`` reads
    and makes, the same instance and the same one query, without building and compiling the
    queryset each time. The bearer-token authentication reads the row on every API request
    (so a block or a log-out takes effect at once), and the queryset cost more than the query."""
    connection = connections[using]
    sql, attnames = _user_by_pk_statement(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [User._meta.pk.get_prep_value(pk)])
        row = cursor.fetchone()
    return None if row is None else instance_from_row(User, attnames, row, connection=connection)
