"""One request id from the web request into the Celery task it queued, on every log line."""

import json
import logging

import pytest

from exports.models import ExportJob, ExportStatus
from householdsvc.celery import app as celery_app
from householdsvc.core.request_id import JsonFormatter
from tests.exports.conftest import wait_for_job


@pytest.mark.django_db
def test_a_request_id_is_taken_from_the_caller_or_made_and_sent_back(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")
    made = client.get("/healthz")

    assert given["X-Request-ID"] == "lb-1234"
    assert len(made["X-Request-ID"]) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


@pytest.mark.django_db
def test_log_lines_during_a_request_carry_its_id_as_json(client, caplog):
    caplog.set_level(logging.WARNING)
    client.post(
        "/api/v1/auth/token/", data="[" * 100, content_type="application/json", HTTP_X_REQUEST_ID="r-42"
    )
    client.get("/readyz", HTTP_X_REQUEST_ID="r-43")  # logs nothing when all is up

    client.get("/api/v1/requests/?page=x", HTTP_X_REQUEST_ID="r-44")
    records = [r for r in caplog.records if getattr(r, "request_id", "-") != "-"]
    assert records == [] or {r.request_id for r in records} <= {"r-42", "r-43", "r-44"}

    record = logging.getLogger("householdsvc.test").makeRecord(
        "householdsvc.test", logging.WARNING, "f", 1, "hi %s", ("x",), None
    )
    line = json.loads(JsonFormatter().format(record))
    assert (line["message"], line["level"], line["logger"]) == ("hi x", "WARNING", "householdsvc.test")
    assert "request_id" in line


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_task_a_request_queued_logs_with_the_request_s_id(celery_worker, client_for, admin_user, caplog):
    caplog.set_level(logging.INFO)
    celery_app.conf.task_always_eager = False
    try:
        response = client_for(admin_user).post(
            "/api/v1/exports/",
            {"kind": "service_requests", "filters": {}},
            format="json",
            HTTP_X_REQUEST_ID="click-77",
        )
        assert response.status_code == 201, response.content
        job = wait_for_job(response.json()["id"], timeout=30)
    finally:
        celery_app.conf.task_always_eager = True

    assert job.status == ExportStatus.COMPLETED
    started = [r for r in caplog.records if r.getMessage() == f"Export {job.pk} started."]
    assert [r.request_id for r in started] == ["click-77"]
    assert ExportJob.objects.filter(pk=job.pk).exists()
