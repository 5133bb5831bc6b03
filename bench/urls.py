"""The project's URLs plus the baseline view, for the benchmark server only."""

from django.urls import path

from bench.baseline import requests_baseline
from householdsvc.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/baseline/requests/", requests_baseline, name="bench-baseline-requests"),
    *project_urlpatterns,
]
