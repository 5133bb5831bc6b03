"""The yardstick for the requests API: a bare Django view returning the same page of rows.

Same rows, same order (newest first, then id), same joins (service, customer, professional),
the same columns the API shows, and for a customer the same scope (``?customer=<id>``); but
``.values()`` straight into ``JsonResponse``: no authentication, no DRF, no serializer, no
filter set. What the API costs above this is the price of those layers.
"""

from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from requests_app.models import ServiceRequest

PAGE_SIZE = 50
COLUMNS = [
    "id",
    "service_id",
    "service__name",
    "service__kind",
    "customer_id",
    "customer__full_name",
    "customer__phone",
    "professional_id",
    "professional__full_name",
    "professional__phone",
    "description",
    "address",
    "pin_code",
    "latitude",
    "longitude",
    "vehicle_type",
    "scheduled_for",
    "remarks",
    "status",
    "price_estimate",
    "final_price",
    "payment_status",
    "cancel_reason",
    "created_at",
    "assigned_at",
    "started_at",
    "arrived_at",
    "completed_at",
    "closed_at",
    "cancelled_at",
    "updated_at",
]


@require_GET
def requests_baseline(request):
    rows = ServiceRequest.objects.order_by("-created_at", "-id")
    if request.GET.get("customer"):
        rows = rows.filter(customer_id=int(request.GET["customer"]))
    return JsonResponse({"results": list(rows.values(*COLUMNS)[:PAGE_SIZE])})


# bench.catalog stores here what an anonymous visitor got from the page or endpoint named.
CACHED_BASELINE_KEY = "bench:cached-baseline:{name}"


@require_GET
def cached_baseline(request, name):
    """The yardstick for a cached endpoint: its bytes straight from Redis, nothing else."""
    stored = cache.get(CACHED_BASELINE_KEY.format(name=name))
    if stored is None:
        raise Http404
    body, content_type = stored
    return HttpResponse(body, content_type=content_type)


# bench.pages puts here, by a slug of its name, each page's HTML as a template of one block.
_PAGE_TEMPLATES = {}


def prime_page_baseline(name: str, html: str) -> str:
    """Make the bare template for a page (its very HTML, verbatim); returns the baseline's path."""
    from django.template import engines
    from django.utils.text import slugify

    slug = slugify(name)
    _PAGE_TEMPLATES[slug] = engines["django"].from_string("{% verbatim %}" + html + "{% endverbatim %}")
    return f"/bench/baseline/page/{slug}/"


@require_GET
def page_baseline(request, name):
    """The yardstick for a page: a compiled template of the same size rendered with the request
    (the same context processors), through the same middleware, for the same logged-in user
    (the session and the user read, as every page of theirs does), and nothing else."""
    template = _PAGE_TEMPLATES.get(name)
    if template is None or not request.user.is_authenticated:
        raise Http404
    return HttpResponse(template.render({}, request))
