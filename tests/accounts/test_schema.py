"""The OpenAPI schema describes the accounts and catalogue endpoints with their errors."""

import pytest

pytestmark = pytest.mark.django_db


def test_schema_lists_the_endpoints_with_their_error_responses(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/professionals/{id}/approve/"]["post"]["responses"]) == {
        "200",
        "401",
        "403",
        "404",
        "409",
    }
    assert "429" in paths["/api/v1/auth/token/"]["post"]["responses"]
    register = paths["/api/v1/auth/register/"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(register)
    assert {"search", "kind", "pin_code"} <= {
        p["name"] for p in paths["/api/v1/services/"]["get"]["parameters"]
    }
    assert {"near", "radius_km", "service", "available", "ev_certified"} <= {
        p["name"] for p in paths["/api/v1/professionals/"]["get"]["parameters"]
    }


def test_swagger_ui_loads_its_assets_from_our_static_files_not_a_cdn(client):
    page = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page
    assert "http://" not in page.replace("http://testserver", "")


def test_a_professional_is_described_so_the_admins_larger_view_still_matches(client):
    # With oneOf an admin's body matched both the public and the admin schema, so neither.
    schemas = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["components"][
        "schemas"
    ]

    assert schemas["ProfessionalAnyView"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/Professional"},
            {"$ref": "#/components/schemas/ProfessionalAdmin"},
        ]
    }


def test_the_search_radius_bounds_are_in_the_schema(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]

    radius = next(p for p in paths["/api/v1/professionals/"]["get"]["parameters"] if p["name"] == "radius_km")
    assert radius["schema"] == {"type": "number", "minimum": 0.1, "maximum": 500}


def test_the_document_download_names_each_type_it_is_served_as(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]

    content = paths["/api/v1/professionals/{id}/document/"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/pdf", "image/jpeg", "image/png"}
