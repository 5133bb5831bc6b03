"""The project's URLs plus the baseline view, for the benchmark server only."""

from django.urls import path

from bench.baseline import cached_baseline, page_baseline, requests_baseline
from householdsvc.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/baseline/requests/", requests_baseline, name="bench-baseline-requests"),
    path("bench/baseline/cached/<slug:name>/", cached_baseline, name="bench-baseline-cached"),
    path("bench/baseline/page/<slug:name>/", page_baseline, name="bench-baseline-page"),
    *project_urlpatterns,
]
