"""The back office: the New export form, a job's progress page, and the reusable action."""

import pytest
from django.contrib.admin import site
from django.test import RequestFactory
from django.urls import reverse

from exports.admin_actions import export_selected_as_csv
from exports.models import ExportJob, ExportStatus
from requests_app.models import ServiceRequest
from tests.exports.factories import ExportJobFactory, seed_requests

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:exports_exportjob_add")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_new_export_form_starts_a_job_and_shows_it(admin_client, service, django_capture_on_commit_callbacks):
    assert admin_client.get(ADD_URL).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            ADD_URL, {"kind": "service_requests", "status": "requested", "service": service.pk, "rating": "5"}
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exports_exportjob_change", args=[job.pk])
    # The rating input belongs to reviews and is not sent for a service-request export.
    assert job.filters == {"status": "requested", "service": service.pk}
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    assert reverse("exports:download", args=[job.pk]).encode() in page.content


def test_new_export_form_shows_the_services_field_errors(admin_client):
    response = admin_client.post(
        ADD_URL, {"kind": "reviews", "created_after": "2026-03-01", "created_before": "2026-01-01"}
    )
    assert response.status_code == 200
    assert b"Must not be before created_after" in response.content
    assert not ExportJob.objects.exists()


def test_a_running_jobs_page_polls_its_status(admin_client):
    job = ExportJobFactory(status=ExportStatus.RUNNING, rows_done=50, rows_total=200)
    page = admin_client.get(reverse("admin:exports_exportjob_change", args=[job.pk]))
    assert reverse("exports:status", args=[job.pk]).encode() in page.content
    status = admin_client.get(reverse("exports:status", args=[job.pk])).json()
    assert status == {
        "id": job.pk,
        "status": "running",
        "status_display": "Running",
        "rows_done": 50,
        "rows_total": 200,
        "row_count": None,
        "progress": 0.25,
        "error": "",
        "download_url": None,
        "finished": False,
    }


def test_the_changelist_lists_jobs_in_few_queries(admin_client, django_assert_max_num_queries):
    ExportJobFactory.create_batch(5)
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("admin:exports_exportjob_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["customer", "professional"])
def test_non_admins_cannot_reach_the_export_admin(who, request, client):
    client.force_login(request.getfixturevalue(who))
    assert client.get(ADD_URL).status_code == 302  # to the admin login


def test_export_selected_action_exports_exactly_the_selection(
    admin_user, customer, service, django_capture_on_commit_callbacks
):
    requests = seed_requests(5, service=service, customer=customer)
    chosen = [requests[1].pk, requests[3].pk]
    action = export_selected_as_csv("service_requests")
    http_request = RequestFactory().post("/admin/")
    http_request.user = admin_user
    http_request._messages = _Messages()
    modeladmin = site._registry[ExportJob]

    with django_capture_on_commit_callbacks(execute=True):
        action(modeladmin, http_request, ServiceRequest.objects.filter(pk__in=chosen))

    job = ExportJob.objects.get()
    job.refresh_from_db()
    assert job.filters == {"ids": sorted(chosen)}
    assert job.status == ExportStatus.COMPLETED
    assert job.row_count == 2
    assert "started" in http_request._messages.sent[0]
    assert action.__name__ == "export_selected_service_requests_as_csv"


def test_export_selected_action_refuses_a_huge_selection(admin_user, customer, service, monkeypatch):
    from exports import admin_actions

    monkeypatch.setattr(admin_actions, "MAX_SELECTED_IDS", 3)
    seed_requests(5, service=service, customer=customer)
    http_request = RequestFactory().post("/admin/")
    http_request.user = admin_user
    http_request._messages = _Messages()
    export_selected_as_csv("service_requests")(
        site._registry[ExportJob], http_request, ServiceRequest.objects.all()
    )
    assert not ExportJob.objects.exists()
    assert "at most 3" in http_request._messages.sent[0]


class _Messages:
    """Collects what message_user sends (a stand-in for the message storage)."""

    def __init__(self):
        self.sent = []

    def add(self, level, message, extra_tags=""):
        self.sent.append(str(message))
