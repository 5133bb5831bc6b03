"""customer_register and professional_register: who can sign up, and nothing half-written."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from accounts import services
from accounts.models import CustomerProfile, ProfessionalProfile, Role, User, VerificationStatus
from householdsvc.core import errors
from tests.accounts.conftest import JPEG_BYTES
from tests.accounts.factories import PASSWORD, PDF_BYTES
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def register_customer(**overrides):
    fields = {
        "email": "Zoe@Example.com",
        "password": PASSWORD,
        "full_name": "Zoe Customer",
        "phone": "+91 98450 00000",
        "address": "12 MG Road",
        "pin_code": "560001",
    }
    fields.update(overrides)
    return services.customer_register(**fields)


def register_professional(service, document, **overrides):
    fields = {
        "email": "yan@example.com",
        "password": PASSWORD,
        "full_name": "Yan Plumber",
        "service": service,
        "experience_years": 7,
        "document": document,
        "pin_code": "560034",
    }
    fields.update(overrides)
    return services.professional_register(**fields)


def test_customer_signs_up_with_a_profile_and_a_lowercased_email():
    user = register_customer(latitude="12.9716", longitude="77.5946")

    assert user.email == "zoe@example.com"
    assert user.role == Role.CUSTOMER and not user.is_staff
    assert user.check_password(PASSWORD)
    profile = CustomerProfile.objects.get(user=user)
    assert profile.pin_code == "560001"
    assert profile.latitude == Decimal("12.971600")


def test_duplicate_email_in_another_case_is_a_field_error_and_writes_nothing(customer):
    with pytest.raises(errors.ValidationFailed) as caught:
        register_customer(email="ALICE@example.com")

    assert "email" in caught.value.errors
    assert User.objects.count() == 1


@pytest.mark.parametrize("password", ["short", "password123", "12345678901", "zoe@example.com"])
def test_weak_password_is_refused_by_djangos_validators(password):
    with pytest.raises(errors.ValidationFailed) as caught:
        register_customer(password=password)

    assert caught.value.errors["password"]
    assert not User.objects.exists()
    assert not CustomerProfile.objects.exists()


def test_missing_name_and_bad_email_are_reported_together():
    with pytest.raises(errors.ValidationFailed) as caught:
        register_customer(full_name="  ", email="not-an-email")

    assert set(caught.value.errors) == {"full_name", "email"}


def test_latitude_without_longitude_is_refused():
    with pytest.raises(errors.ValidationFailed) as caught:
        register_customer(latitude="12.9")

    assert "longitude" in caught.value.errors
    assert not User.objects.exists()


def test_latitude_out_of_range_is_refused():
    with pytest.raises(errors.ValidationFailed) as caught:
        register_customer(latitude="91", longitude="77")

    assert "latitude" in caught.value.errors


def test_professional_signs_up_pending_with_the_document_in_private_storage(
    service, pdf_upload, private_files, settings
):
    user = register_professional(service, pdf_upload)

    profile = ProfessionalProfile.objects.get(user=user)
    assert user.role == Role.PROFESSIONAL
    assert profile.verification_status == VerificationStatus.PENDING
    assert profile.service == service
    assert profile.document_content_type == "application/pdf"
    assert private_files() == [f"verification/{user.pk}/licence.pdf"]
    # Never under the public media root.
    assert not Path(profile.document.path).is_relative_to(settings.MEDIA_ROOT)
    with profile.document.open("rb") as stored:
        assert stored.read() == PDF_BYTES


@pytest.mark.parametrize(
    ("upload_name", "content", "expected_type", "stored_name"),
    [
        ("photo.jpg", JPEG_BYTES, "image/jpeg", "photo.jpg"),
        # Recognised by content: a PDF named .png is stored as what it is.
        ("scan.png", PDF_BYTES, "application/pdf", "scan.pdf"),
    ],
)
def test_document_type_comes_from_the_content_not_the_name(
    service, private_files, upload_name, content, expected_type, stored_name
):
    user = register_professional(service, SimpleUploadedFile(upload_name, content, content_type="text/plain"))

    assert user.professional_profile.document_content_type == expected_type
    assert private_files() == [f"verification/{user.pk}/{stored_name}"]


def test_exe_renamed_pdf_is_refused_and_nothing_is_written(service, exe_renamed_pdf, private_files):
    with pytest.raises(errors.ValidationFailed) as caught:
        register_professional(service, exe_renamed_pdf)

    assert "document" in caught.value.errors
    assert not User.objects.exists()
    assert private_files() == []


def test_oversized_document_is_refused(service, settings, private_files):
    settings.DOCUMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2048, content_type="application/pdf")

    with pytest.raises(errors.ValidationFailed) as caught:
        register_professional(service, big)

    assert "larger than" in caught.value.errors["document"][0]
    assert not User.objects.exists()
    assert private_files() == []


def test_missing_document_is_refused(service):
    with pytest.raises(errors.ValidationFailed) as caught:
        register_professional(service, None)

    assert "document" in caught.value.errors


def test_professional_for_an_inactive_service_is_refused(pdf_upload, private_files):
    retired = ServiceFactory(is_active=False)

    with pytest.raises(errors.ValidationFailed) as caught:
        register_professional(retired, pdf_upload)

    assert caught.value.errors["service"] == ["This service is no longer offered."]
    assert not User.objects.exists()
    assert private_files() == []


def test_professional_for_an_unknown_service_is_refused(pdf_upload):
    with pytest.raises(errors.ValidationFailed) as caught:
        register_professional(999_999, pdf_upload)

    assert "service" in caught.value.errors


def test_duplicate_email_for_a_professional_leaves_no_file(service, customer, pdf_upload, private_files):
    with pytest.raises(errors.ValidationFailed) as caught:
        register_professional(service, pdf_upload, email="alice@example.com")

    assert "email" in caught.value.errors
    assert private_files() == []
    assert not ProfessionalProfile.objects.exists()


def test_file_is_removed_when_the_profile_row_cannot_be_written(
    service, pdf_upload, private_files, monkeypatch
):
    # Given the database refuses the profile row after the file was written
    def refuse(*args, **kwargs):
        raise IntegrityError("simulated failure after the upload was stored")

    monkeypatch.setattr(ProfessionalProfile, "save", refuse)

    # When signing up, then the error surfaces and neither the user nor the file remain
    with pytest.raises(IntegrityError):
        register_professional(service, pdf_upload)
    assert private_files() == []
    assert not User.objects.exists()


def test_experience_beyond_eighty_years_is_refused(service, pdf_upload):
    with pytest.raises(errors.ValidationFailed) as caught:
        register_professional(service, pdf_upload, experience_years=81)

    assert "experience_years" in caught.value.errors


def test_a_radius_beyond_what_any_search_reaches_is_refused(service, pdf_upload):
    with pytest.raises(errors.ValidationFailed) as caught:
        register_professional(service, pdf_upload, service_radius_km=10**12)

    assert "service_radius_km" in caught.value.errors
    assert not User.objects.exists()


def test_a_latitude_that_is_not_a_number_is_a_field_error_not_a_crash():
    with pytest.raises(errors.ValidationFailed) as caught:
        register_customer(latitude="NaN", longitude="77")

    assert caught.value.errors == {"latitude": ["Must be between -90 and 90."]}
    assert not User.objects.exists()
