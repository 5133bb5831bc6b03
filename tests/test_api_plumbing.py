"""householdsvc.api: every error the API gives for bad input is a 4xx in the project's JSON
shape and documented in the schema; none reaches the database as a 500."""

import pytest
from rest_framework.test import APIRequestFactory

from householdsvc.core.api import exception_handler
from householdsvc.core.errors import ValidationFailed
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db

SERVICES = "/api/v1/services/"


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_a_body_that_is_not_json_gets_400_with_the_errors_the_schema_promises(api_client):
    response = api_client.post("/api/v1/auth/token/", data=b"\x00", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["errors"] == {}


def test_a_validation_failure_without_field_messages_still_carries_errors():
    request = APIRequestFactory().get("/")

    response = exception_handler(ValidationFailed("That cannot be done."), {"request": request})

    assert response.status_code == 400
    assert response.data == {"code": "invalid", "detail": "That cannot be done.", "errors": {}}


def test_a_page_past_what_the_database_can_skip_gets_404_not_500(api_client, service):
    response = api_client.get(SERVICES, {"page": 10**25})

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Invalid page."}


def test_a_page_past_the_end_gets_404(api_client, service):
    assert api_client.get(SERVICES, {"page": 2}).status_code == 404


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "9" * 5000])
def test_a_page_that_is_not_a_positive_whole_number_gets_404(api_client, service, value):
    response = api_client.get(SERVICES, {"page": value})

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Invalid page."}


@pytest.mark.parametrize("value", ["0", "-3", "abc"])
def test_a_page_size_that_is_not_a_positive_whole_number_gives_the_default(api_client, value):
    ServiceFactory.create_batch(21)

    response = api_client.get(SERVICES, {"page_size": value})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 20


def test_a_page_size_above_the_maximum_is_cut_to_it(api_client):
    ServiceFactory.create_batch(101)

    response = api_client.get(SERVICES, {"page_size": 1000})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 100


@pytest.mark.parametrize("path", ["/api/v1/requests/0.5/", "/api/v1/services/null,null/", "/api/v1/nothing/"])
def test_a_path_no_api_route_takes_gets_the_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_a_page_no_route_takes_outside_the_api_is_still_html(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/services/",
        "/api/v1/exports/",
        "/api/v1/reviews/",
        "/api/v1/requests/",
        "/api/v1/requests/{id}/events/",
        "/api/v1/requests/{request_id}/locations/",
    ],
)
def test_every_paginated_list_documents_the_404_of_a_bad_page(schema, path):
    operation = schema["paths"][path]["get"]

    assert "404" in operation["responses"]
    assert "#/components/schemas/Error" in str(operation["responses"]["404"])
    pages = {p["name"]: p["schema"] for p in operation["parameters"] if p["name"] in ("page", "page_size")}
    assert pages == {"page": {"type": "integer", "minimum": 1}, "page_size": {"type": "integer"}}


def test_a_view_of_one_object_gets_no_pagination_error_it_cannot_give(schema):
    assert "404" not in schema["paths"]["/api/v1/me/"]["get"]["responses"]
