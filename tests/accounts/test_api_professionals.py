"""professionals/ (list, detail, approve, reject, document) and users/ (block, unblock) with
every role: anonymous, customer, other customer, pending professional, approved professional,
admin."""

from pathlib import Path

import pytest

from accounts.models import User, VerificationStatus
from tests.accounts.factories import PDF_BYTES, PNG_BYTES, ProfessionalFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "customer", "other_customer", "pending_professional", "professional", "admin_user"]
NON_ADMIN_ROLES = ROLES[:-1]
# Each non-admin role's answer when it tries an admin-only action.
REFUSAL = {
    "anonymous": 401,
    "customer": 403,
    "other_customer": 403,
    "pending_professional": 403,
    "professional": 403,
}


@pytest.fixture
def as_role(request, client_for, pending_professional, professional):
    def make(role):
        user = None if role == "anonymous" else request.getfixturevalue(role)
        return client_for(user)

    return make


def result_ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_non_admins_see_approved_professionals_with_public_fields_only(as_role, role, professional):
    response = as_role(role).get("/api/v1/professionals/")

    assert response.status_code == 200
    assert result_ids(response) == {professional.pk}
    row = response.json()["results"][0]
    for private in ("email", "phone", "address", "verification_status", "current_latitude", "document_url"):
        assert private not in row


def test_admin_sees_every_professional_with_the_verification_status(
    as_role, professional, pending_professional
):
    response = as_role("admin_user").get("/api/v1/professionals/")

    by_id = {row["id"]: row for row in response.json()["results"]}
    assert set(by_id) == {professional.pk, pending_professional.pk}
    assert by_id[pending_professional.pk]["verification_status"] == "pending"
    assert by_id[pending_professional.pk]["email"] == "erin@example.com"


def test_list_filters_near_a_position(api_client, professional):
    far = ProfessionalFactory(
        professional_profile__current_latitude="12.295800",
        professional_profile__current_longitude="76.639400",
    )

    response = api_client.get("/api/v1/professionals/", {"near": "12.9716,77.5946", "radius_km": "10"})

    assert result_ids(response) == {professional.pk}
    assert far.pk not in result_ids(response)
    # Anonymous: from the centre of the professional's ~5 km area, in whole km, not 0.0.
    assert response.json()["results"][0]["distance_km"] == 2


def test_the_smallest_documented_radius_is_accepted(api_client, professional):
    # 0.1 km is the schema's minimum; the form compared it with a float and refused it.
    response = api_client.get("/api/v1/professionals/", {"near": "12.9716,77.5946", "radius_km": "0.1"})

    assert response.status_code == 200, response.content
    assert result_ids(response) == {professional.pk}


@pytest.mark.parametrize("radius", ["0.09", "500.1"])
def test_a_radius_outside_the_documented_bounds_is_a_400(api_client, radius):
    response = api_client.get("/api/v1/professionals/", {"near": "12.9716,77.5946", "radius_km": radius})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"radius_km"}


def test_list_with_a_bad_position_is_a_400(api_client):
    response = api_client.get("/api/v1/professionals/", {"near": "somewhere"})

    assert response.status_code == 400
    assert "near" in response.json()["errors"]


def test_list_filters_by_service_and_availability(api_client, professional, dispatch_service):
    operator = ProfessionalFactory(professional_profile__service=dispatch_service)

    response = api_client.get("/api/v1/professionals/", {"service": dispatch_service.pk, "available": "true"})

    assert result_ids(response) == {operator.pk}


def test_professionals_list_query_count_is_pinned(api_client, django_assert_max_num_queries, service):
    ProfessionalFactory.create_batch(15, professional_profile__service=service)
    with django_assert_max_num_queries(1):
        response = api_client.get("/api/v1/professionals/")
    assert len(response.json()["results"]) == 15


def test_admin_list_query_count_is_pinned(client_for, admin_user, django_assert_max_num_queries, service):
    ProfessionalFactory.create_batch(15, professional_profile__service=service)
    client = client_for(admin_user)
    # One for the token's user, one for the page.
    with django_assert_max_num_queries(2):
        client.get("/api/v1/professionals/")


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_a_pending_professional_detail_is_hidden_from_everyone_but_themselves(
    as_role, role, pending_professional
):
    response = as_role(role).get(f"/api/v1/professionals/{pending_professional.pk}/")

    assert response.status_code == (200 if role == "pending_professional" else 404)


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_non_admins_cannot_approve_or_reject(as_role, role, pending_professional):
    client = as_role(role)
    for verb in ("approve", "reject"):
        response = client.post(f"/api/v1/professionals/{pending_professional.pk}/{verb}/")
        assert response.status_code == REFUSAL[role], (verb, response.content)
    pending_professional.professional_profile.refresh_from_db()
    assert pending_professional.professional_profile.verification_status == VerificationStatus.PENDING


def test_admin_approves(as_role, pending_professional, admin_user):
    response = as_role("admin_user").post(f"/api/v1/professionals/{pending_professional.pk}/approve/")

    assert response.status_code == 200, response.content
    assert response.json()["verification_status"] == "approved"
    assert response.json()["verified_by"] == admin_user.pk


def test_admin_rejects_with_a_reason(as_role, pending_professional):
    response = as_role("admin_user").post(
        f"/api/v1/professionals/{pending_professional.pk}/reject/",
        {"reason": "Expired licence"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["verification_status"] == "rejected"
    assert response.json()["rejection_reason"] == "Expired licence"


def test_approving_a_customer_is_a_409_with_a_clear_code(as_role, customer):
    response = as_role("admin_user").post(f"/api/v1/professionals/{customer.pk}/approve/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_a_professional"


def test_approving_twice_is_a_409(as_role, professional):
    response = as_role("admin_user").post(f"/api/v1/professionals/{professional.pk}/approve/")

    assert response.status_code == 409
    assert response.json()["code"] == "already_approved"


def test_approving_someone_unknown_is_a_404(as_role):
    assert as_role("admin_user").post("/api/v1/professionals/999999/approve/").status_code == 404


# --- the private document ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["pending_professional", "admin_user"])
def test_owner_and_admin_download_the_document(as_role, role, pending_professional):
    response = as_role(role).get(f"/api/v1/professionals/{pending_professional.pk}/document/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("customer", 404), ("other_customer", 404), ("professional", 404)],
)
def test_nobody_else_gets_the_document(as_role, role, expected, pending_professional):
    response = as_role(role).get(f"/api/v1/professionals/{pending_professional.pk}/document/")

    assert response.status_code == expected


def test_a_png_document_is_served_as_png(client_for, admin_user, service):
    from django.core.files.base import ContentFile

    pro = ProfessionalFactory(
        professional_profile__service=service,
        professional_profile__document=ContentFile(PNG_BYTES, name="card.png"),
        professional_profile__document_content_type="image/png",
    )

    response = client_for(admin_user).get(f"/api/v1/professionals/{pro.pk}/document/")

    assert response["Content-Type"] == "image/png"


def test_the_document_is_not_under_the_public_media_root(pending_professional, settings, client):
    path = Path(pending_professional.professional_profile.document.path)

    assert path.exists()
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert (
        client.get(
            f"/{settings.MEDIA_URL}{pending_professional.professional_profile.document.name}"
        ).status_code
        == 404
    )


# --- blocking ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_non_admins_cannot_block_or_unblock(as_role, role, other_customer):
    client = as_role(role)
    for verb in ("block", "unblock"):
        assert client.post(f"/api/v1/users/{other_customer.pk}/{verb}/").status_code == REFUSAL[role]
    other_customer.refresh_from_db()
    assert other_customer.is_active


def test_admin_blocks_and_unblocks(as_role, customer):
    client = as_role("admin_user")

    blocked = client.post(f"/api/v1/users/{customer.pk}/block/", {"reason": "Fraud"}, format="json")
    assert blocked.status_code == 200
    assert blocked.json()["is_active"] is False
    assert blocked.json()["block_reason"] == "Fraud"

    unblocked = client.post(f"/api/v1/users/{customer.pk}/unblock/")
    assert unblocked.status_code == 200
    assert unblocked.json()["is_active"] is True


def test_admin_cannot_block_themselves(as_role, admin_user):
    response = as_role("admin_user").post(f"/api/v1/users/{admin_user.pk}/block/")

    assert response.status_code == 403
    assert response.json()["code"] == "cannot_block_self"
    assert User.objects.get(pk=admin_user.pk).is_active


def test_blocking_twice_is_a_409(as_role, customer):
    client = as_role("admin_user")
    client.post(f"/api/v1/users/{customer.pk}/block/")

    response = client.post(f"/api/v1/users/{customer.pk}/block/")

    assert response.status_code == 409
    assert response.json()["code"] == "already_blocked"
