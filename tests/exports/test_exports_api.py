"""The export API and the private download: admins only, 409 until completed."""

import pytest
from django.urls import reverse

from exports.models import ExportJob, ExportStatus
from exports.services import export_job_run
from tests.exports.factories import ExportJobFactory, seed_requests

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/exports/"


@pytest.fixture
def completed_job(customer, service):
    seed_requests(3, service=service, customer=customer)
    return export_job_run(job_id=ExportJobFactory().pk)


def test_admin_starts_an_export_and_gets_201_with_its_state(client_for, admin_user, service):
    response = client_for(admin_user).post(
        LIST_URL, {"kind": "service_requests", "filters": {"service": service.pk}}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    job = ExportJob.objects.get()
    assert body["id"] == job.pk
    assert body["kind"] == "service_requests"
    assert body["filters"] == {"service": service.pk}
    assert body["requested_by"] == admin_user.email
    assert {"status", "progress", "row_count", "rows_done", "rows_total", "task_id", "error"} <= set(body)


def test_bad_filters_get_400_with_field_errors(client_for, admin_user):
    response = client_for(admin_user).post(
        LIST_URL, {"kind": "service_requests", "filters": {"status": "lost", "colour": "red"}}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"filters.status", "filters.colour"}


def test_unknown_kind_gets_400(client_for, admin_user):
    response = client_for(admin_user).post(LIST_URL, {"kind": "payments"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


@pytest.mark.parametrize("who", ["customer", "professional"])
def test_customers_and_professionals_cannot_start_list_or_download(who, request, client_for, completed_job):
    client = client_for(request.getfixturevalue(who))
    assert client.post(LIST_URL, {"kind": "service_requests"}, format="json").status_code == 403
    assert client.get(LIST_URL).status_code == 403
    assert client.get(f"{LIST_URL}{completed_job.pk}/").status_code == 403
    assert client.get(f"{LIST_URL}{completed_job.pk}/download/").status_code == 403
    assert ExportJob.objects.count() == 1


def test_anonymous_gets_401(api_client, completed_job):
    assert api_client.get(f"{LIST_URL}{completed_job.pk}/download/").status_code == 401


def test_admin_lists_every_admins_jobs_newest_first(client_for, admin_user, django_assert_max_num_queries):
    older, newer = ExportJobFactory(), ExportJobFactory(requested_by=admin_user)
    ExportJobFactory.create_batch(3)
    client = client_for(admin_user)
    with django_assert_max_num_queries(3):  # the user, the page (one row more than shown)
        response = client.get(LIST_URL, {"page_size": 10})
    assert response.status_code == 200
    ids = [job["id"] for job in response.json()["results"]]
    assert len(ids) == 5
    assert ids.index(newer.pk) < ids.index(older.pk)


def test_admin_downloads_the_csv(client_for, admin_user, completed_job):
    response = client_for(admin_user).get(f"{LIST_URL}{completed_job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode()
    assert content.splitlines()[0].startswith("id,status,service,customer_name")
    assert content.count("\n") >= 4


@pytest.mark.parametrize("status", [ExportStatus.PENDING, ExportStatus.RUNNING, ExportStatus.FAILED])
def test_download_before_completion_gets_409(client_for, admin_user, status):
    job = ExportJobFactory(status=status)
    response = client_for(admin_user).get(f"{LIST_URL}{job.pk}/download/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_ready"


def test_unknown_job_gets_404(client_for, admin_user):
    assert client_for(admin_user).get(f"{LIST_URL}987654/").status_code == 404


def test_the_schema_describes_the_export_endpoints(client_for, admin_user):
    schema = client_for(admin_user).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert set(paths["/api/v1/exports/"]) >= {"get", "post"}
    assert "201" in paths["/api/v1/exports/"]["post"]["responses"]
    download = paths["/api/v1/exports/{id}/download/"]["get"]["responses"]
    assert "text/csv" in download["200"]["content"]
    assert {"403", "404", "409"} <= set(download)


# --- The web download behind the admin's link ----------------------------------------------


def test_admin_downloads_through_the_web_link(client, admin_user, completed_job):
    client.force_login(admin_user)
    response = client.get(reverse("exports:download", args=[completed_job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"id,status,")


@pytest.mark.parametrize("who", ["customer", "professional"])
def test_customers_and_professionals_are_refused_the_web_download(who, request, client, completed_job):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("exports:download", args=[completed_job.pk])).status_code == 403
    assert client.get(reverse("exports:status", args=[completed_job.pk])).status_code == 403


def test_anonymous_web_download_goes_to_the_login(client, completed_job):
    response = client.get(reverse("exports:download", args=[completed_job.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_web_download_of_an_unfinished_job_goes_back_with_a_message(client, admin_user):
    job = ExportJobFactory(status=ExportStatus.RUNNING)
    client.force_login(admin_user)
    response = client.get(reverse("exports:download", args=[job.pk]), follow=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exports_exportjob_change", args=[job.pk])


def test_the_export_file_is_kept_outside_the_public_media(completed_job, settings):
    path = completed_job.file.path
    assert path.startswith(settings.PRIVATE_MEDIA_ROOT)
    assert not path.startswith(settings.MEDIA_ROOT)


def test_a_pending_jobs_null_download_url_is_what_the_schema_says(client_for, admin_user, client):
    job = ExportJobFactory()
    body = client_for(admin_user).get(f"{LIST_URL}{job.pk}/").json()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert body["status"] == ExportStatus.PENDING
    assert body["download_url"] is None
    assert schema["components"]["schemas"]["ExportJob"]["properties"]["download_url"]["nullable"] is True
