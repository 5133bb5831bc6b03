"""The OpenAPI schema documents the tracking routes exactly: their bodies, pages and errors."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

PATH = "/api/v1/requests/{request_id}/locations/"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def ref(schema, response) -> dict:
    name = response["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    return schema["components"]["schemas"][name]


def test_the_route_reads_and_takes_batches_only(schema):
    assert set(schema["paths"][PATH]) == {"get", "post"}
    assert not any("/locations/{" in path for path in schema["paths"])


def test_posting_documents_a_json_batch_and_every_outcome(schema):
    operation = schema["paths"][PATH]["post"]

    assert set(operation["requestBody"]["content"]) == {"application/json"}
    assert set(operation["responses"]) == {"201", "400", "401", "403", "404", "409", "415"}
    assert set(ref(schema, operation["responses"]["201"])["properties"]) == {
        "accepted",
        "duplicates",
        "count",
    }
    assert set(ref(schema, operation["responses"]["400"])["properties"]) == {"code", "detail", "errors"}
    assert set(ref(schema, operation["responses"]["409"])["properties"]) == {"code", "detail"}
    assert "not_trackable" in operation["responses"]["409"]["description"]

    batch = schema["components"]["schemas"]["LocationBatchRequest"]["properties"]["points"]
    assert (batch["minItems"], batch["maxItems"]) == (1, 500)
    point = schema["components"]["schemas"][batch["items"]["$ref"].split("/")[-1]]
    assert set(point["required"]) == {"latitude", "longitude", "recorded_at"}
    assert set(point["properties"]) == {"latitude", "longitude", "accuracy", "recorded_at", "client_id"}
    assert (point["properties"]["client_id"]["minLength"], point["properties"]["client_id"]["maxLength"]) == (
        1,
        64,
    )
    assert "duplicates" in point["properties"]["client_id"]["description"]


def test_reading_documents_pages_of_points_and_its_errors(schema):
    operation = schema["paths"][PATH]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert {"page", "page_size", "request_id"} <= set(parameters)
    assert parameters["request_id"]["schema"]["type"] == "integer"
    assert set(operation["responses"]) == {"200", "401", "404"}
    page = ref(schema, operation["responses"]["200"])
    point = schema["components"]["schemas"][page["properties"]["results"]["items"]["$ref"].split("/")[-1]]
    assert set(point["properties"]) == {
        "id",
        "source",
        "latitude",
        "longitude",
        "accuracy",
        "recorded_at",
        "received_at",
    }
    assert "count" not in page["properties"]  # pages never count the table
