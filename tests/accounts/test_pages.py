"""The accounts pages through Django's test client: sign-up, log in (and the blocked message),
log out, profile edit, the verification page and the document download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import services
from accounts.models import ProfessionalProfile, User, VerificationStatus
from tests.accounts.conftest import EXE_BYTES
from tests.accounts.factories import PASSWORD, PDF_BYTES

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "full_name": "Zoe Customer",
        "email": "zoe@example.com",
        "password": PASSWORD,
        "pin_code": "560001",
    }
    data.update(overrides)
    return data


def test_home_page_shows_the_active_services_and_sign_up_links(client, service):
    response = client.get("/")

    assert response.status_code == 200
    assert b"Deep cleaning" in response.content
    assert reverse("accounts:signup").encode() in response.content
    assert reverse("accounts:login").encode() in response.content


def test_home_page_offers_booking_to_customers_but_not_to_professionals(
    client, customer, professional, service
):
    booking_link = f'href="/requests/new/?service={service.pk}"'
    client.force_login(customer)
    assert booking_link in client.get("/").content.decode()

    client.force_login(professional)
    assert booking_link not in client.get("/").content.decode()


def test_customer_signs_up_and_is_logged_in(client):
    response = client.post(reverse("accounts:signup"), signup_data())

    assert response.status_code == 302
    user = User.objects.get(email="zoe@example.com")
    assert user.customer_profile.pin_code == "560001"
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_signup_shows_a_duplicate_email_on_the_email_field(client, customer):
    response = client.post(reverse("accounts:signup"), signup_data(email="alice@example.com"))

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1


def test_signup_shows_a_weak_password(client):
    response = client.post(reverse("accounts:signup"), signup_data(password="password"))

    assert "password" in response.context["form"].errors
    assert not User.objects.exists()


def test_professional_signs_up_with_a_document_and_lands_on_the_pending_page(client, service):
    data = signup_data(
        email="yan@example.com",
        service=service.pk,
        experience_years=3,
        document=SimpleUploadedFile("licence.pdf", PDF_BYTES, content_type="application/pdf"),
    )

    response = client.post(reverse("accounts:signup_professional"), data, follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:pending")
    assert b"Verification pending" in response.content
    assert ProfessionalProfile.objects.get(user__email="yan@example.com").verification_status == "pending"


def test_professional_signup_refuses_a_renamed_executable(client, service, private_files):
    data = signup_data(
        email="yan@example.com",
        service=service.pk,
        experience_years=3,
        document=SimpleUploadedFile("licence.pdf", EXE_BYTES, content_type="application/pdf"),
    )

    response = client.post(reverse("accounts:signup_professional"), data)

    assert response.status_code == 200
    assert "document" in response.context["form"].errors
    assert not User.objects.exists()
    assert private_files() == []


def test_login_with_email_and_password(client, customer):
    response = client.post(reverse("accounts:login"), {"username": "Alice@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_login_with_a_wrong_password_says_so(client, customer):
    response = client.post(
        reverse("accounts:login"), {"username": "alice@example.com", "password": "wrong-pass-9"}
    )

    assert response.status_code == 200
    assert b"correct email and password" in response.content


def test_blocked_user_is_told_their_account_is_blocked(client, customer, admin_user):
    services.user_block(user_id=customer.pk, actor=admin_user, reason="Repeated no-shows")

    response = client.post(reverse("accounts:login"), {"username": "alice@example.com", "password": PASSWORD})

    assert response.status_code == 200
    assert b"Your account is blocked" in response.content
    assert b"Repeated no-shows" in response.content
    assert "_auth_user_id" not in client.session


def test_blocking_ends_an_open_session(client, customer, admin_user):
    client.force_login(customer)
    services.user_block(user_id=customer.pk, actor=admin_user)

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_pending_professional_logging_in_lands_on_the_pending_page(client, pending_professional):
    response = client.post(reverse("accounts:login"), {"username": "erin@example.com", "password": PASSWORD})

    assert response.url == reverse("accounts:pending")


def test_rejected_professional_sees_the_reason(client, pending_professional, admin_user):
    services.professional_reject(
        professional_id=pending_professional.pk, actor=admin_user, reason="Licence expired"
    )
    client.force_login(pending_professional)

    response = client.get(reverse("accounts:pending"))

    assert b"not accepted" in response.content
    assert b"Licence expired" in response.content


def test_logout_is_a_post(client, customer):
    client.force_login(customer)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_profile_edit_saves_the_customers_fields(client, customer):
    client.force_login(customer)

    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Alice Edited", "phone": "", "address": "2 Lake Rd", "pin_code": "560008"},
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.full_name == "Alice Edited"
    assert customer.customer_profile.pin_code == "560008"


def test_professional_profile_has_no_verification_field_and_keeps_the_status(client, pending_professional):
    client.force_login(pending_professional)
    page = client.get(reverse("accounts:profile"))
    assert "verification_status" not in page.context["form"].fields

    client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Erin P",
            "experience_years": 9,
            "service_radius_km": 20,
            "verification_status": "approved",
        },
    )

    pending_professional.refresh_from_db()
    assert pending_professional.full_name == "Erin P"
    assert pending_professional.professional_profile.verification_status == VerificationStatus.PENDING


def test_profile_needs_a_login(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("viewer", ["pending_professional", "admin_user"])
def test_owner_and_admin_download_the_document_from_the_web(request, client, viewer, pending_professional):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("accounts:professional_document", args=[pending_professional.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("viewer", ["customer", "other_customer", "professional"])
def test_others_get_a_404_for_the_document_page(request, client, viewer, pending_professional):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(reverse("accounts:professional_document", args=[pending_professional.pk]))

    assert response.status_code == 404


def test_anonymous_is_sent_to_log_in_for_the_document(client, pending_professional):
    response = client.get(reverse("accounts:professional_document", args=[pending_professional.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_guessing_passwords_on_a_login_page_is_throttled(client, admin_user, settings, login_url):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "3/min", "register": "1000/min"},
    }
    for _ in range(3):
        client.post(login_url, {"username": admin_user.email, "password": "wrong-pass-9"})

    response = client.post(login_url, {"username": admin_user.email, "password": PASSWORD})

    assert response.status_code == 200  # the form again, not logged in
    assert b"Too many attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_the_pages_and_the_api_share_one_login_budget(client, api_client, customer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "2/min", "register": "1000/min"},
    }
    for _ in range(2):
        api_client.post(
            "/api/v1/auth/token/", {"email": customer.email, "password": "wrong-pass-9"}, format="json"
        )

    response = client.post("/accounts/login/", {"username": customer.email, "password": PASSWORD})

    assert b"Too many attempts" in response.content


def test_an_admin_logs_in_to_the_back_office_with_email(client, admin_user):
    response = client.post(
        "/admin/login/", {"username": admin_user.email, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
