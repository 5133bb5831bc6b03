"""Who a request can be offered to: the candidate professionals of each kind of service.

- roadside (``dispatch``): the nearest suitable professionals (``dispatch_candidates``):
  approved, active, available, of the service, EV-certified for an electric vehicle, with a
  position fresher than POSITION_STALE_MINUTES that lies within *their own* service radius of
  the request, and who have not turned it down; nearest first, annotated with ``distance_km``;
- household (``at_address``): the suitable professionals serving the request's pin code
  (``household_candidates``). This is the one function the schedule extends with "free at the
  chosen time".

Offers and quotes read the nearest through ``nearest_professionals``: a list, on PostgreSQL one
statement whose text is made once per process (the users, their profiles, the distance, and
for offers when each was last assigned and whether the request was already offered to them),
where building and compiling the equivalent queryset cost more than the database's work.

Reads only; ``requests_app.offers`` writes the offers. The tracking app's
``nearest_available_professionals`` is ``dispatch_candidates`` (a queryset).
"""

from __future__ import annotations

import functools
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import ProfessionalProfile, Role, working_professional_q
from householdsvc.core.geo import bounding_box, distance_km_expression, haversine_numbers, haversine_sql
from householdsvc.core.prepared import prepared_cursor
from requests_app.models import Offer, ServiceRequest
from requests_app.selectors import needs_ev_certification


def position_fresh_since(now=None):
    """The oldest position that still counts for matching."""
    return (now or timezone.now()) - timedelta(minutes=settings.POSITION_STALE_MINUTES)


def suitable_professionals(*, service_request: ServiceRequest) -> QuerySet:
    """Professionals who could work on the request wherever they are: active, approved and
    available, of its service, qualified for its vehicle, and who have not turned it down."""
    user_model = get_user_model()
    if not service_request.service.is_active:
        return user_model.objects.none()
    professionals = user_model.objects.filter(
        working_professional_q(),
        professional_profile__service_id=service_request.service_id,
        professional_profile__is_available=True,
    )
    if needs_ev_certification(service_request):
        professionals = professionals.filter(professional_profile__ev_certified=True)
    rejected = ServiceRequest.rejected_by.through.objects.filter(
        servicerequest_id=service_request.pk, user_id=OuterRef("pk")
    )
    return professionals.exclude(Exists(rejected))


def dispatch_candidates(*, service_request: ServiceRequest, now=None) -> QuerySet:
    """Suitable professionals whose fresh position is within their own radius of the request's
    position, nearest first (then best rated), each annotated with ``distance_km``. Empty when
    the request has no position.

    The radius differs per professional: the exact haversine distance is compared with each
    professional's own. On PostgreSQL (DISPATCH_MATCHING_KNN, on by default) the partial GiST
    index on (service, ``ll_to_earth`` of the position) is walked nearest first by the ``<->``
    order of ``cube`` + ``earthdistance`` for the few nearest, filtered and ranked in the same
    statement (``knn_nearest_sql``). Elsewhere (always on SQLite) a latitude/longitude box sized
    by the widest radius of the service's professionals narrows the rows, then the haversine
    order. Both find the same professionals in the same order.
    """
    user_model = get_user_model()
    if service_request.latitude is None or service_request.longitude is None:
        return user_model.objects.none()
    if not service_request.service.is_active:
        return user_model.objects.none()
    if settings.DISPATCH_MATCHING_KNN and connection.vendor == "postgresql":
        return _nearest_by_knn(service_request, now)
    candidates = suitable_professionals(service_request=service_request).filter(
        professional_profile__current_latitude__isnull=False,
        professional_profile__current_longitude__isnull=False,
        professional_profile__position_updated_at__gte=position_fresh_since(now),
    )
    widest = _widest_radius(service_request)
    if widest is None:
        return user_model.objects.none()
    return _nearest_by_box(candidates, service_request, widest)


def _exact(candidates: QuerySet, service_request: ServiceRequest) -> QuerySet:
    return (
        candidates.annotate(
            distance_km=distance_km_expression(
                service_request.latitude,
                service_request.longitude,
                "professional_profile__current_latitude",
                "professional_profile__current_longitude",
            )
        )
        .filter(distance_km__lte=F("professional_profile__service_radius_km"))
        .select_related("professional_profile")
    )


# How many of the nearest the PostgreSQL path ranks, at least: more than the rounds ever offer
# (see nearest_cap) or a quote reads (the first).
NEAREST_CAP = 20
# The KNN walk goes on until this many times nearest_cap() rows have passed the filters applied
# after it (stale position, out of their own radius, EV, blocked, turned it down): a margin for
# the exact ranking (by the haversine distance, then rating and id) of the nearest_cap() first.
KNN_OVERFETCH = 2


def nearest_cap() -> int:
    """Enough for every round's batch even when all earlier rounds' offers are excluded."""
    return max(NEAREST_CAP, settings.DISPATCH_BATCH * (settings.DISPATCH_MAX_ROUNDS + 1))


def _ranked(candidates: QuerySet, service_request: ServiceRequest) -> QuerySet:
    return _exact(candidates, service_request).order_by(
        "distance_km", "-professional_profile__average_rating", "id"
    )


# The walk and every filter after it in one statement (the outer ORM query of
# ``_nearest_by_knn`` reads the users it picks). The inner walk repeats the partial index's
# predicate word for word (accounts migration 0009) and its expression, so the planner walks
# pro_available_earth_idx nearest first; OFFSET 0 keeps it a walk of its own, which the LIMIT
# above pulls from only as far as needed (the widening), and the box of the service's widest
# radius (an Index Cond too, the same GiST index) ends the walk where nobody farther can be in
# range. The radius is in earth() metres, a touch wider than the haversine kilometres.
_KNN_SQL = """
SELECT {columns} FROM (
  SELECT walk.user_id, walk.distance_km, walk.average_rating FROM (
    SELECT p.user_id, p.service_radius_km, p.position_updated_at, p.ev_certified,
           p.average_rating, {distance} AS distance_km
    FROM accounts_professionalprofile p
    WHERE p.service_id = %s::bigint
      AND p.is_available AND p.verification_status = 'approved' AND p.current_latitude IS NOT NULL
      AND earth_box(ll_to_earth(%s, %s), (SELECT max(w.service_radius_km)::double precision * 1002.0
          FROM accounts_professionalprofile w WHERE w.service_id = %s))
          @> ll_to_earth(p.current_latitude::double precision, p.current_longitude::double precision)
    ORDER BY ll_to_earth(p.current_latitude::double precision, p.current_longitude::double precision)
             <-> ll_to_earth(%s, %s)
    OFFSET 0
  ) walk
  JOIN accounts_user u ON u.id = walk.user_id
  WHERE u.role = %s AND u.is_active
    AND walk.position_updated_at >= %s
    AND walk.distance_km <= walk.service_radius_km::double precision
    AND (walk.ev_certified OR NOT %s)
    AND NOT EXISTS (SELECT 1 FROM requests_app_servicerequest_rejected_by r
                    WHERE r.servicerequest_id = %s AND r.user_id = walk.user_id)
  LIMIT %s
) ranked
ORDER BY ranked.distance_km, ranked.average_rating DESC, ranked.user_id
LIMIT %s
"""
_POSITION_SQL = (
    "p.current_latitude::double precision",
    "p.current_longitude::double precision",
)


def knn_nearest_sql(service_request: ServiceRequest, now=None) -> tuple[str, list]:
    """PostgreSQL: the ids of the ``nearest_cap()`` nearest candidates (``dispatch_candidates``'
    rules), ranked as the portable path ranks them, in one statement: the index walk read
    nearest first until ``nearest_cap() * KNN_OVERFETCH`` rows have passed every filter (or the
    widest radius is passed), then ranked by the exact distance, rating and id. Anybody not
    walked is farther than everybody walked, so these are the portable path's first ones."""
    lat, lng = float(service_request.latitude), float(service_request.longitude)
    numbers = haversine_numbers(lat, lng)
    _, distance_params = haversine_sql(numbers, _POSITION_SQL[0], [], _POSITION_SQL[1], [])
    cap = nearest_cap()
    params = [
        *distance_params,
        service_request.service_id,
        lat,
        lng,
        service_request.service_id,
        lat,
        lng,
        Role.PROFESSIONAL,
        position_fresh_since(now),
        needs_ev_certification(service_request),
        service_request.pk,
        cap * KNN_OVERFETCH,
        cap,
    ]
    return _knn_sql("ranked.user_id"), params


@functools.cache
def _knn_sql(columns: str) -> str:
    """The statement's text: the same for every request (its values are all parameters)."""
    distance, _ = haversine_sql(haversine_numbers(0, 0), _POSITION_SQL[0], [], _POSITION_SQL[1], [])
    return _KNN_SQL.format(columns=columns, distance=distance)


def _nearest_by_knn(service_request: ServiceRequest, now=None) -> QuerySet:
    """PostgreSQL: the users ``knn_nearest_sql`` picks, ranked, with ``distance_km``: one query."""
    sql, params = knn_nearest_sql(service_request, now)
    chosen = get_user_model().objects.filter(pk__in=RawSQL(sql, params))
    return _ranked(chosen, service_request)


# The nearest with everything a caller reads, in one statement (``nearest_professionals``):
# each user's and profile's columns, the distance, and optionally when they were last assigned
# a job and whether the request was already offered to them (those are left out).
_ROWS_SQL = """
SELECT {user_columns}, {profile_columns}, top.distance_km{last_job}
FROM ({ranked}) top
JOIN {user_table} u ON u.id = top.user_id
JOIN {profile_table} p ON p.user_id = top.user_id
{not_offered}
ORDER BY top.distance_km, top.average_rating DESC, top.user_id
LIMIT %s
"""
_LAST_JOB_SQL = (
    ", (SELECT max(s.assigned_at) FROM {request_table} s WHERE s.professional_id = top.user_id)"
    " AS last_job_at"
)
_NOT_OFFERED_SQL = (
    "WHERE NOT EXISTS (SELECT 1 FROM {offer_table} o"
    " WHERE o.request_id = %s AND o.professional_id = top.user_id)"
)


@functools.cache
def _rows_sql(with_last_job: bool, exclude_offered: bool) -> str:
    user_model = get_user_model()
    return _ROWS_SQL.format(
        user_columns=", ".join(f'u."{f.column}"' for f in user_model._meta.concrete_fields),
        profile_columns=", ".join(f'p."{f.column}"' for f in ProfessionalProfile._meta.concrete_fields),
        last_job=_LAST_JOB_SQL.format(request_table=ServiceRequest._meta.db_table) if with_last_job else "",
        ranked=_knn_sql("ranked.user_id, ranked.distance_km, ranked.average_rating"),
        user_table=user_model._meta.db_table,
        profile_table=ProfessionalProfile._meta.db_table,
        not_offered=_NOT_OFFERED_SQL.format(offer_table=Offer._meta.db_table) if exclude_offered else "",
    )


def _professionals_of_rows(rows, *, with_last_job: bool) -> list:
    """Users as ``select_related("professional_profile")`` makes them, with ``distance_km``
    (and ``last_job_at``). These fields need no conversion from the database's values (a
    test checks that, so a new field that did would be noticed)."""
    user_model, alias = get_user_model(), connection.alias
    user_names = [f.attname for f in user_model._meta.concrete_fields]
    profile_names = [f.attname for f in ProfessionalProfile._meta.concrete_fields]
    split, end = len(user_names), len(user_names) + len(profile_names)
    cache_on_user = user_model.professional_profile.related.set_cached_value
    cache_on_profile = ProfessionalProfile.user.field.set_cached_value
    found = []
    for row in rows:
        user = user_model.from_db(alias, user_names, row[:split])
        profile = ProfessionalProfile.from_db(alias, profile_names, row[split:end])
        cache_on_user(user, profile)
        cache_on_profile(profile, user)
        user.distance_km = row[end]
        if with_last_job:
            user.last_job_at = row[end + 1]
        found.append(user)
    return found


def nearest_rows_sql(service_request, *, now=None, exclude_offered=False, with_last_job=False, limit=None):
    """PostgreSQL: ``nearest_professionals``' one statement and its parameters."""
    _, params = knn_nearest_sql(service_request, now)
    if exclude_offered:
        params.append(service_request.pk)
    cap = nearest_cap()
    params.append(min(limit or cap, cap))
    return _rows_sql(with_last_job, exclude_offered), params


def nearest_professionals(
    *, service_request: ServiceRequest, now=None, exclude_offered=False, with_last_job=False, limit=None
) -> list:
    """The nearest ``limit`` (at most ``nearest_cap()``) of ``dispatch_candidates``, as a list
    in its order, each with its profile and ``distance_km``; without those already offered the
    request (``exclude_offered``), with ``last_job_at`` (``with_last_job``: when they were last
    assigned a job). On PostgreSQL one statement whose text is made once; elsewhere the ORM
    query."""
    if (
        settings.DISPATCH_MATCHING_KNN
        and connection.vendor == "postgresql"
        and service_request.latitude is not None
        and service_request.longitude is not None
        and service_request.service.is_active
    ):
        sql, params = nearest_rows_sql(
            service_request,
            now=now,
            exclude_offered=exclude_offered,
            with_last_job=with_last_job,
            limit=limit,
        )
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return _professionals_of_rows(rows, with_last_job=with_last_job)
    candidates = dispatch_candidates(service_request=service_request, now=now)
    if exclude_offered:
        offered = Offer.objects.filter(request_id=service_request.pk, professional_id=OuterRef("pk"))
        candidates = candidates.exclude(Exists(offered))
    if with_last_job:
        candidates = candidates.annotate(last_job_at=Subquery(_last_job()))
    return list(candidates[: min(limit or nearest_cap(), nearest_cap())])


def _last_job():
    return (
        ServiceRequest.objects.filter(professional_id=OuterRef("pk"), assigned_at__isnull=False)
        .order_by("-assigned_at")
        .values("assigned_at")[:1]
    )


def _widest_radius(service_request: ServiceRequest):
    """The widest service radius among the service's professionals (pro_service_radius_idx)."""
    return ProfessionalProfile.objects.filter(service_id=service_request.service_id).aggregate(
        widest=Max("service_radius_km")
    )["widest"]


def _nearest_by_box(candidates: QuerySet, service_request: ServiceRequest, widest) -> QuerySet:
    """Any database: a latitude/longitude box (pro_position_idx), then the haversine order."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(
        service_request.latitude, service_request.longitude, widest
    )
    box = Q(
        professional_profile__current_latitude__gte=min_lat,
        professional_profile__current_latitude__lte=max_lat,
    )
    if min_lng is not None:
        box &= Q(
            professional_profile__current_longitude__gte=min_lng,
            professional_profile__current_longitude__lte=max_lng,
        )
    return _ranked(candidates.filter(box), service_request)


def _wait_key(professional):
    """Longest wait first: never a job before anybody, then the oldest last job; ties nearest."""
    last_job_at = getattr(professional, "last_job_at", None)
    return (last_job_at is not None, last_job_at.timestamp() if last_job_at else 0.0)


def fair_order(nearest: list, fairness_km: float | None = None) -> list:
    """``nearest`` (nearest first, each with ``distance_km`` and ``last_job_at``) with those
    within DISPATCH_FAIRNESS_KM of the nearest one first, the one who has waited longest since
    their last job leading, then everybody farther, nearest first. Pure: bench/fairness.py
    simulates with it."""
    if not nearest:
        return []
    band = settings.DISPATCH_FAIRNESS_KM if fairness_km is None else fairness_km
    reach = nearest[0].distance_km + band
    close = [professional for professional in nearest if professional.distance_km <= reach]
    farther = [professional for professional in nearest if professional.distance_km > reach]
    return sorted(close, key=_wait_key) + farther


def household_candidates(*, service_request: ServiceRequest) -> QuerySet:
    """Suitable professionals serving the request's pin code, best rated first. (The schedule
    narrows this to those free at the chosen time.)"""
    user_model = get_user_model()
    if not service_request.pin_code:
        return user_model.objects.none()
    professionals = suitable_professionals(service_request=service_request).filter(
        professional_profile__pin_code=service_request.pin_code
    )
    if service_request.scheduled_for is not None:
        # Imported here: the schedule reads requests_app's models, as this module does.
        from requests_app.schedule.slots import professionals_free

        start = service_request.scheduled_for
        end = start + timedelta(minutes=service_request.service.time_required_minutes)
        professionals = professionals_free(
            professionals, start=start, end=end, exclude_request_id=service_request.pk
        )
    return professionals.select_related("professional_profile").order_by(
        "-professional_profile__average_rating", "id"
    )
