"""The numbers on the admin dashboard, computed with a handful of aggregate queries and cached.

The figures are cached in the Django cache (Redis in production) for
``settings.DASHBOARD_CACHE_SECONDS``. They must still be right after a change, so the cache key
carries a version that any write to a request, a professional's profile or a review bumps (see
``connect_invalidation``). The bump happens after the write commits: bumping inside the
transaction would let a concurrent reader cache the pre-commit numbers under the new version.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from accounts.models import ProfessionalProfile, VerificationStatus
from catalog.models import Service
from householdsvc.core.transactions import on_commit_robust
from requests_app.models import RequestEvent, ServiceRequest, Status

VERSION_KEY = "admin-dashboard:version"
DATA_KEY = "admin-dashboard:numbers:v{version}"
DAYS = 30
TOP_SERVICES = 10
TOP_PROFESSIONALS = 10
# An average of two reviews says little; the top-rated list needs a few more to mean something.
TOP_RATED_MIN_REVIEWS = 3


def _current_version() -> int:
    return cache.get(VERSION_KEY, 0)


def bump_version() -> None:
    """Make every cached copy of the numbers stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        # No version yet: readers are on 0; any other value moves them off it.
        cache.set(VERSION_KEY, 1, timeout=None)


def dashboard_numbers() -> dict:
    """The dashboard's figures, from the cache when they are current."""
    key = DATA_KEY.format(version=_current_version())
    numbers = cache.get(key)
    if numbers is None:
        numbers = compute_numbers()
        cache.set(key, numbers, timeout=settings.DASHBOARD_CACHE_SECONDS)
    return numbers


def compute_numbers(now=None) -> dict:
    """Every figure of the dashboard, straight from the database (eight queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_day = today - timedelta(days=DAYS - 1)
    since = now - timedelta(days=DAYS)
    return {
        "computed_at": now,
        "by_status": requests_by_status(),
        "by_service": requests_by_service(),
        "per_day": requests_per_day(first_day, today),
        **average_durations(since),
        "pending_professionals": ProfessionalProfile.objects.filter(
            verification_status=VerificationStatus.PENDING
        ).count(),
        "top_rated": top_rated_professionals(),
        # Roadside requests no round found a taker for, still open: an admin assigns them.
        "unmatched_requests": ServiceRequest.objects.filter(
            status=Status.REQUESTED, unmatched_at__isnull=False
        ).count(),
    }


def requests_by_status() -> list[dict]:
    """Every status in the machine's order, with its number of requests (zero included)."""
    counts = dict(ServiceRequest.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        {"status": value, "label": label, "count": counts.get(value, 0)} for value, label in Status.choices
    ]


def requests_by_service(limit: int = TOP_SERVICES) -> list[dict]:
    """The most requested services, most first. Counted on service_id alone (an index-only
    scan), then named: grouping on the joined name costs three times as much at a million rows."""
    rows = list(
        ServiceRequest.objects.order_by()
        .values("service_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "service_id")[:limit]
    )
    names = dict(Service.objects.filter(pk__in=[row["service_id"] for row in rows]).values_list("pk", "name"))
    return [
        {"id": row["service_id"], "name": names.get(row["service_id"], ""), "count": row["count"]}
        for row in rows
    ]


def requests_per_day(first_day, last_day) -> list[dict]:
    """Requests created on each day from ``first_day`` to ``last_day``, days without any at 0."""
    # A range on created_at itself, not ``created_at__date``, so the index on it is used.
    start = timezone.make_aware(datetime.combine(first_day, time.min))
    end = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
    counts = dict(
        ServiceRequest.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    days = (last_day - first_day).days + 1
    return [
        {"day": day, "count": counts.get(day, 0)}
        for day in (first_day + timedelta(days=offset) for offset in range(days))
    ]


def average_durations(since) -> dict:
    """How long requests created since ``since`` waited for a professional, and took to be
    completed (``None`` when none got that far)."""
    return ServiceRequest.objects.filter(created_at__gte=since).aggregate(
        avg_to_assignment=Avg(F("assigned_at") - F("created_at"), filter=Q(assigned_at__isnull=False)),
        avg_to_completion=Avg(F("completed_at") - F("created_at"), filter=Q(completed_at__isnull=False)),
    )


def top_rated_professionals(
    limit: int = TOP_PROFESSIONALS, min_reviews: int = TOP_RATED_MIN_REVIEWS
) -> list[dict]:
    """Approved, active professionals with the best average rating over enough reviews."""
    profiles = (
        ProfessionalProfile.objects.filter(
            verification_status=VerificationStatus.APPROVED,
            user__is_active=True,
            rating_count__gte=min_reviews,
        )
        .select_related("user", "service")
        .order_by("-average_rating", "-rating_count", "user_id")[:limit]
    )
    return [
        {
            "id": profile.user_id,
            "name": profile.user.full_name,
            "email": profile.user.email,
            "service": profile.service.name,
            "average_rating": profile.average_rating,
            "rating_count": profile.rating_count,
        }
        for profile in profiles
    ]


# --- Invalidation -------------------------------------------------------------------------

# Every login saves last_login; that changes no figure, so it need not empty the cache.
IRRELEVANT_USER_FIELDS = {"last_login"}


def _on_write(sender, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= IRRELEVANT_USER_FIELDS:
        return
    # A write in a transaction that rolls back bumps nothing; robust: a cache outage must not
    # turn a committed change into an error (the numbers then expire on their own).
    on_commit_robust(bump_version)


def connect_invalidation() -> None:
    """Connect the cache invalidation to every model the numbers are read from. RequestEvent is
    included because each transition writes one, even one done with ``QuerySet.update``."""
    from django.contrib.auth import get_user_model

    from reviews.models import Review

    # The user row too: blocking a professional takes them off the top-rated list.
    for model in (ServiceRequest, RequestEvent, ProfessionalProfile, Review, get_user_model()):
        post_save.connect(_on_write, sender=model, dispatch_uid=f"dashboard-{model._meta.label}-save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"dashboard-{model._meta.label}-delete")
