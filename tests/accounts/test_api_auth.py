"""auth/register/, auth/token/, auth/token/refresh/ and me/ over HTTP."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import services
from accounts.models import ProfessionalProfile, User, VerificationStatus
from tests.accounts.conftest import EXE_BYTES
from tests.accounts.factories import PASSWORD, PDF_BYTES

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
ME = "/api/v1/me/"


def customer_payload(**overrides):
    payload = {
        "role": "customer",
        "email": "zoe@example.com",
        "password": PASSWORD,
        "full_name": "Zoe Customer",
        "phone": "+91 98450 00000",
        "address": "12 MG Road",
        "pin_code": "560001",
    }
    payload.update(overrides)
    return payload


def professional_payload(service, **overrides):
    payload = {
        "role": "professional",
        "email": "yan@example.com",
        "password": PASSWORD,
        "full_name": "Yan Plumber",
        "service": service.pk,
        "experience_years": 4,
        "pin_code": "560034",
        "document": SimpleUploadedFile("licence.pdf", PDF_BYTES, content_type="application/pdf"),
    }
    payload.update(overrides)
    return payload


def test_customer_registers_with_json(api_client):
    response = api_client.post(REGISTER, customer_payload(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["role"] == "customer"
    assert body["customer_profile"]["pin_code"] == "560001"
    assert body["professional_profile"] is None
    assert "password" not in body


def test_professional_registers_with_multipart_and_is_pending(api_client, service, private_files):
    response = api_client.post(REGISTER, professional_payload(service), format="multipart")

    assert response.status_code == 201, response.content
    profile = response.json()["professional_profile"]
    assert profile["verification_status"] == "pending"
    assert profile["service"] == service.pk
    assert profile["document_content_type"] == "application/pdf"
    assert len(private_files()) == 1


def test_duplicate_email_is_a_400_on_the_email_field(api_client, customer):
    response = api_client.post(REGISTER, customer_payload(email="Alice@Example.com"), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "email" in response.json()["errors"]
    assert User.objects.count() == 1


def test_weak_password_is_a_400_on_the_password_field(api_client):
    response = api_client.post(REGISTER, customer_payload(password="12345678"), format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["password"]
    assert not User.objects.exists()


def test_exe_renamed_pdf_is_a_400_and_nothing_is_written(api_client, service, private_files):
    payload = professional_payload(
        service, document=SimpleUploadedFile("licence.pdf", EXE_BYTES, content_type="application/pdf")
    )

    response = api_client.post(REGISTER, payload, format="multipart")

    assert response.status_code == 400
    assert "document" in response.json()["errors"]
    assert not User.objects.exists()
    assert private_files() == []


def test_professional_without_document_is_a_400(api_client, service):
    payload = professional_payload(service)
    del payload["document"]

    response = api_client.post(REGISTER, payload, format="multipart")

    assert response.status_code == 400
    assert "document" in response.json()["errors"]


def test_professional_for_an_inactive_service_is_a_400(api_client, service):
    service.is_active = False
    service.save()

    response = api_client.post(REGISTER, professional_payload(service), format="multipart")

    assert response.status_code == 400
    assert "service" in response.json()["errors"]
    assert not ProfessionalProfile.objects.exists()


def test_customer_sending_a_document_is_told_it_is_not_for_customers(api_client, service):
    payload = customer_payload(service=service.pk)

    response = api_client.post(REGISTER, payload, format="json")

    assert response.status_code == 400
    assert "service" in response.json()["errors"]


def test_registration_is_throttled(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "1000/min", "register": "2/min"},
    }
    for n in range(2):
        assert (
            api_client.post(REGISTER, customer_payload(email=f"z{n}@example.com"), format="json").status_code
            == 201
        )

    response = api_client.post(REGISTER, customer_payload(email="z9@example.com"), format="json")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_token_pair_for_email_and_password_in_any_case(api_client, customer):
    response = api_client.post(TOKEN, {"email": "ALICE@example.com", "password": PASSWORD}, format="json")

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access", "refresh"}


def test_wrong_password_is_a_401(api_client, customer):
    response = api_client.post(
        TOKEN, {"email": "alice@example.com", "password": "nope-nope-nope"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_blocked_user_gets_a_401_saying_the_account_is_blocked(api_client, customer, admin_user):
    services.user_block(user_id=customer.pk, actor=admin_user, reason="Card fraud")

    response = api_client.post(TOKEN, {"email": "alice@example.com", "password": PASSWORD}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "account_blocked"
    assert "Card fraud" in response.json()["detail"]


def test_blocked_status_is_not_revealed_without_the_right_password(api_client, customer, admin_user):
    services.user_block(user_id=customer.pk, actor=admin_user)

    response = api_client.post(
        TOKEN, {"email": "alice@example.com", "password": "guess-guess-1"}, format="json"
    )

    assert response.json()["code"] == "invalid_credentials"


def test_login_is_throttled(api_client, customer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "3/min", "register": "1000/min"},
    }
    for _ in range(3):
        api_client.post(TOKEN, {"email": "alice@example.com", "password": "wrong-wrong-1"}, format="json")

    response = api_client.post(TOKEN, {"email": "alice@example.com", "password": PASSWORD}, format="json")

    assert response.status_code == 429


def test_login_throttle_is_not_reset_by_a_made_up_forwarded_for_header(api_client, customer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "3/min", "register": "1000/min"},
    }
    for attempt in range(3):
        api_client.post(
            TOKEN,
            {"email": "alice@example.com", "password": "wrong-wrong-1"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}",
        )

    response = api_client.post(
        TOKEN,
        {"email": "alice@example.com", "password": PASSWORD},
        format="json",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )

    assert response.status_code == 429


def test_blocked_users_existing_token_stops_working(client_for, customer, admin_user):
    client = client_for(customer)
    assert client.get(ME).status_code == 200

    services.user_block(user_id=customer.pk, actor=admin_user)
    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "account_blocked"


def test_refresh_gives_a_new_access_token(api_client, customer):
    refresh = str(RefreshToken.for_user(customer))

    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code == 200
    assert "access" in response.json()


def test_blocked_user_cannot_refresh(api_client, customer, admin_user):
    refresh = str(RefreshToken.for_user(customer))
    services.user_block(user_id=customer.pk, actor=admin_user)

    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "account_blocked"


def test_garbage_refresh_token_is_a_401_with_a_readable_error(api_client):
    response = api_client.post(REFRESH, {"refresh": "not-a-token"}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert not response.json()["detail"].startswith("{")


def test_me_needs_a_login(api_client):
    assert api_client.get(ME).status_code == 401


@pytest.mark.parametrize(
    ("user_fixture", "profile_key"),
    [
        ("customer", "customer_profile"),
        ("professional", "professional_profile"),
        ("pending_professional", "professional_profile"),
        ("admin_user", None),
    ],
)
def test_me_shows_each_role_its_own_account(request, client_for, user_fixture, profile_key):
    user = request.getfixturevalue(user_fixture)

    body = client_for(user).get(ME).json()

    assert body["id"] == user.pk
    assert body["email"] == user.email
    for key in ("customer_profile", "professional_profile"):
        assert (body[key] is not None) == (key == profile_key)


def test_customer_edits_their_profile(client_for, customer):
    response = client_for(customer).patch(ME, {"full_name": "Alice New", "pin_code": "560095"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["full_name"] == "Alice New"
    assert response.json()["customer_profile"]["pin_code"] == "560095"


@pytest.mark.parametrize("field", ["role", "email", "verification_status"])
def test_role_email_and_verification_are_not_editable(client_for, pending_professional, field):
    response = client_for(pending_professional).patch(ME, {field: "approved"}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    pending_professional.refresh_from_db()
    assert pending_professional.professional_profile.verification_status == VerificationStatus.PENDING


def test_customer_cannot_set_professional_fields(client_for, customer):
    response = client_for(customer).patch(ME, {"is_available": True}, format="json")

    assert response.status_code == 400
    assert "is_available" in response.json()["errors"]


def test_me_query_count_is_small(client_for, professional, django_assert_max_num_queries):
    client = client_for(professional)
    with django_assert_max_num_queries(2):
        assert client.get(ME).status_code == 200
