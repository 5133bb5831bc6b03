"""``/metrics`` for Prometheus: django-prometheus' request latency and counts by view, plus the
domain's figures read at scrape time (export jobs waiting or running, open offers where the
dispatch app has them) and the live sockets of this process (tracking.metrics).

Not public: an admin's session, or ``Authorization: Bearer <METRICS_TOKEN>`` for the scraper.
"""

import hmac
import logging

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily

from householdsvc.core.permissions import is_admin

logger = logging.getLogger(__name__)


class DomainCollector:
    """Counted when scraped, from the database: every process reports the same figures."""

    def describe(self):
        return []  # without this, registering would query the database at start-up

    def collect(self):
        from exports.models import ExportJob, ExportStatus

        waiting = (ExportStatus.PENDING, ExportStatus.RUNNING)
        try:
            counts = dict(
                ExportJob.objects.filter(status__in=waiting)
                .values_list("status")
                .annotate(jobs=Count("id"))
                .order_by()
            )
            offers = None
            try:
                offer = apps.get_model("requests_app", "Offer")
                offers = offer.objects.filter(state="open").count()
            except LookupError:
                pass  # no offers on this deployment yet
        except DatabaseError:
            logger.warning("metrics: the database is down; domain figures left out", exc_info=True)
            return
        queue = GaugeMetricFamily(
            "householdsvc_export_jobs", "Export jobs waiting for or held by a worker.", labels=["status"]
        )
        for status in waiting:
            queue.add_metric([status], counts.get(status, 0))
        yield queue
        if offers is not None:
            yield GaugeMetricFamily("householdsvc_open_offers", "Offers open to professionals.", value=offers)


_collector = DomainCollector()
if _collector not in getattr(REGISTRY, "_collector_to_names", {}):
    REGISTRY.register(_collector)


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    return is_admin(getattr(request, "user", None))


@never_cache
def metrics(request):
    if not _allowed(request):
        return HttpResponse("Not allowed.\n", status=403, content_type="text/plain")
    import tracking.metrics  # noqa: F401  (registers the live-socket gauge in every process)

    return ExportToDjangoView(request)
