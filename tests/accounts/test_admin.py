"""The back office: changelists, the actions calling the services, and forms that cannot
change a status."""

import pytest
from django.urls import reverse

from accounts.models import ProfessionalProfile, Role, User, VerificationStatus
from catalog.models import Service
from tests.accounts.factories import PASSWORD, ProfessionalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_professionalprofile_changelist",
        "admin:accounts_customerprofile_changelist",
        "admin:catalog_service_changelist",
        "admin:accounts_user_add",
        "admin:catalog_service_add",
    ],
)
def test_back_office_pages_open(admin_client, url_name, professional, customer):
    assert admin_client.get(reverse(url_name)).status_code == 200


def test_changelists_search_and_filter(admin_client, professional, pending_professional):
    url = reverse("admin:accounts_professionalprofile_changelist")

    response = admin_client.get(url, {"verification_status__exact": "pending", "q": "erin"})

    assert [p.pk for p in response.context["cl"].result_list] == [pending_professional.pk]


def test_professional_changelist_query_count_does_not_grow(
    admin_client, service, django_assert_max_num_queries
):
    ProfessionalFactory.create_batch(10, professional_profile__service=service)
    url = reverse("admin:accounts_professionalprofile_changelist")
    admin_client.get(url)  # warm the session and content types

    with django_assert_max_num_queries(12):
        admin_client.get(url)


def test_approve_action_calls_the_service_and_reports(
    admin_client, admin_user, pending_professional, professional
):
    response = admin_client.post(
        reverse("admin:accounts_professionalprofile_changelist"),
        {"action": "approve", "_selected_action": [pending_professional.pk, professional.pk]},
        follow=True,
    )

    profile = ProfessionalProfile.objects.get(pk=pending_professional.pk)
    assert profile.verification_status == VerificationStatus.APPROVED
    assert profile.verified_by == admin_user
    shown = [str(m) for m in response.context["messages"]]
    assert "Approved: 1." in shown
    assert any("already approved" in m for m in shown)


def test_reject_action_takes_the_reason_from_the_action_bar(admin_client, pending_professional):
    admin_client.post(
        reverse("admin:accounts_professionalprofile_changelist"),
        {"action": "reject", "_selected_action": [pending_professional.pk], "reason": "Photo unreadable"},
    )

    profile = ProfessionalProfile.objects.get(pk=pending_professional.pk)
    assert profile.verification_status == VerificationStatus.REJECTED
    assert profile.rejection_reason == "Photo unreadable"


def test_block_and_unblock_actions(admin_client, customer, admin_user):
    url = reverse("admin:accounts_user_changelist")
    response = admin_client.post(
        url,
        {"action": "block_users", "_selected_action": [customer.pk, admin_user.pk], "reason": "Fraud"},
        follow=True,
    )

    customer.refresh_from_db()
    assert not customer.is_active and customer.block_reason == "Fraud"
    assert any("cannot block your own account" in str(m) for m in response.context["messages"])
    assert User.objects.get(pk=admin_user.pk).is_active

    admin_client.post(url, {"action": "unblock_users", "_selected_action": [customer.pk]})
    customer.refresh_from_db()
    assert customer.is_active


def test_verification_status_is_read_only_in_the_form(admin_client, pending_professional):
    url = reverse("admin:accounts_professionalprofile_change", args=[pending_professional.pk])
    page = admin_client.get(url)
    assert "verification_status" not in page.context["adminform"].form.fields

    admin_client.post(
        url, {"verification_status": "approved", "experience_years": 3, "service_radius_km": 10}
    )

    assert ProfessionalProfile.objects.get(pk=pending_professional.pk).verification_status == "pending"


def test_the_document_opens_through_the_checked_view(admin_client, pending_professional):
    url = reverse("admin:accounts_professionalprofile_change", args=[pending_professional.pk])
    document_url = reverse("accounts:professional_document", args=[pending_professional.pk])

    assert document_url.encode() in admin_client.get(url).content
    assert admin_client.get(document_url).status_code == 200


def test_block_status_is_read_only_in_the_user_form(admin_client, customer):
    url = reverse("admin:accounts_user_change", args=[customer.pk])
    form = admin_client.get(url).context["adminform"].form

    for field in ("is_active", "role", "is_staff", "blocked_at"):
        assert field not in form.fields


def test_admin_creates_a_customer_with_a_profile(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New@Example.com",
            "full_name": "New Customer",
            "phone": "",
            "role": "customer",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new@example.com")
    assert user.role == Role.CUSTOMER and user.customer_profile is not None


def test_admin_creates_another_admin(admin_client):
    admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "ops@example.com",
            "full_name": "Ops Admin",
            "role": "admin",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    created = User.objects.get(email="ops@example.com")
    assert created.is_admin and created.is_superuser


def test_admin_add_form_refuses_a_weak_password_and_a_taken_email(admin_client, customer):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "ALICE@example.com",
            "full_name": "X",
            "role": "customer",
            "password1": "123",
            "password2": "123",
        },
    )

    errors = response.context["adminform"].form.errors
    assert "email" in errors and "password2" in errors
    assert User.objects.count() == 2  # alice and the admin


def test_service_admin_saves_through_the_service_rules(admin_client, service):
    response = admin_client.post(
        reverse("admin:catalog_service_add"),
        {"name": "deep CLEANING", "base_price": "10", "time_required_minutes": 30, "kind": "at_address"},
    )
    assert response.status_code == 200  # the form shows the duplicate name
    assert Service.objects.count() == 1

    response = admin_client.post(
        reverse("admin:catalog_service_add"),
        {
            "name": "Pest control",
            "base_price": "25",
            "time_required_minutes": 45,
            "kind": "at_address",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Service.objects.get(name="Pest control").base_price == 25


def test_service_admin_rejects_a_negative_price(admin_client, service):
    admin_client.post(
        reverse("admin:catalog_service_change", args=[service.pk]),
        {"name": "Deep cleaning", "base_price": "-3", "time_required_minutes": 60, "kind": "at_address"},
    )

    service.refresh_from_db()
    assert service.base_price == 40


def test_deactivate_action(admin_client, service):
    admin_client.post(
        reverse("admin:catalog_service_changelist"),
        {"action": "deactivate", "_selected_action": [service.pk]},
    )

    service.refresh_from_db()
    assert not service.is_active
