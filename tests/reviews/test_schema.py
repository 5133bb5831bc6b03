"""The OpenAPI schema describes every review route and each of its answers."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def paths():
    return SchemaGenerator().get_schema(request=None, public=True)["paths"]


def _codes(operation):
    return set(operation["responses"])


def test_request_review_routes_list_every_answer(paths):
    route = paths["/api/v1/requests/{request_id}/review/"]

    assert set(route) == {"get", "post", "patch"}
    assert _codes(route["get"]) == {"200", "401", "404"}
    assert _codes(route["post"]) == {"201", "400", "401", "403", "404", "409"}
    assert _codes(route["patch"]) == {"200", "400", "401", "403", "404", "409"}
    body = route["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/ReviewCreateRequest")


def test_reviews_list_documents_its_filters(paths):
    operation = paths["/api/v1/reviews/"]["get"]

    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"professional", "rating", "rating_min", "rating_max", "created_after", "created_before"} <= names
    assert {"ordering", "page", "page_size"} <= names
    # 404: a page that is not a positive whole number, or past the end.
    assert _codes(operation) == {"200", "400", "401", "404"}
    assert _codes(paths["/api/v1/reviews/{id}/"]["get"]) == {"200", "401", "404"}
