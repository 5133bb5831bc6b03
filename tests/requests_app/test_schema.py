"""The OpenAPI schema documents every request route, its errors and the error shape."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

TRANSITIONS = ["accept", "reject", "assign", "start", "arrive", "complete", "close", "cancel"]


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("action", TRANSITIONS)
def test_every_transition_documents_its_outcomes(schema, action):
    operation = schema["paths"][f"/api/v1/requests/{{id}}/{action}/"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(operation["responses"])
    error = operation["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][error]["properties"]) == {"code", "detail"}


def test_list_documents_its_filters_and_ordering(schema):
    parameters = {p["name"] for p in schema["paths"]["/api/v1/requests/"]["get"]["parameters"]}
    expected = {
        "status",
        "service",
        "pin_code",
        "created_after",
        "created_before",
        "professional",
        "ordering",
    }
    assert expected | {"page", "page_size"} <= parameters


def test_events_are_read_only_and_paginated(schema):
    path = schema["paths"]["/api/v1/requests/{id}/events/"]
    assert set(path) - {"parameters"} == {"get"}
    parameters = {p["name"] for p in path["get"]["parameters"]}
    assert "page" in parameters and "status" not in parameters


def test_create_and_edit_are_documented(schema):
    assert "201" in schema["paths"]["/api/v1/requests/"]["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/requests/{id}/"]["patch"]["responses"]


def test_fields_that_may_be_empty_say_so(schema):
    # An at-address job has no vehicle, and the creation event comes from no status: both are
    # "" in responses, which the enums alone would call invalid.
    components = schema["components"]["schemas"]
    blank = {"$ref": "#/components/schemas/BlankEnum"}

    assert blank in components["ServiceRequest"]["properties"]["vehicle_type"]["oneOf"]
    assert blank in components["RequestEvent"]["properties"]["from_status"]["oneOf"]
    assert components["BlankEnum"]["enum"] == [""]
