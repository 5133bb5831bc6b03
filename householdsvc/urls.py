from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from householdsvc import health, metrics
from householdsvc.core import branding

# Tried in this order (see urlpatterns below). Tracking first: its two routes (a location
# batch, the busiest call of all, and a socket ticket) are the only ones under their paths and
# cost the others a microsecond or two to pass, while each include tried before the one that
# matches costs a list of its routes (Django keeps what was tried, for the 404). Then the
# catalogue, which every anonymous app client asks for.
api_v1 = [
    path("", include("tracking.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("requests_app.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("exports.api.urls")),
]

# Django tries the patterns in order, each include's patterns in turn: the pages every visitor
# opens first (the home page, the catalogue page and API, served from the public cache) come
# first, so that finding their view costs about what the cache read does not. No two patterns
# here overlap, so the order decides nothing else.
urlpatterns = [
    path("", include("accounts.home_urls")),
    path("services/", include("catalog.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.svg", branding.favicon, name="favicon"),
    path("favicon.ico", RedirectView.as_view(pattern_name="favicon", permanent=True)),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("accounts/", include("accounts.urls")),
    path("requests/", include("requests_app.urls")),
    path("requests/", include("reviews.urls")),
    path("exports/", include("exports.urls")),
    path("track/", include("tracking.urls")),
]

# JSON under /api/ for a path no pattern takes (e.g. a non-numeric id); HTML elsewhere.
handler404 = "householdsvc.core.api.not_found"
# The same for 400, 403 and 500: the site's own pages (templates/400.html …), JSON under /api/;
# a 503 with Retry-After while the database is down (JSON under /api/).
handler400 = "householdsvc.core.api.bad_request"
handler403 = "householdsvc.core.api.permission_denied"
handler500 = "householdsvc.core.api.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
