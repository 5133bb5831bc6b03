import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from accounts.models import CustomerProfile, ProfessionalProfile, Role, User, VerificationStatus
from tests.catalog.factories import ServiceFactory

PASSWORD = "correct-horse-battery-staple"


def _png() -> bytes:
    """A real 1 x 1 PNG, made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGBA", (1, 1), (0, 0, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


# A real one-page PDF (documents are parsed at upload: accounts.documents).
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n162\n%%EOF\n"
)
PNG_BYTES = _png()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"+44 7700 9{n:05d}")
    role = Role.CUSTOMER
    # Test users have confirmed their address, as existing users and the demo data have.
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CustomerFactory(UserFactory):
    role = Role.CUSTOMER
    customer_profile = factory.RelatedFactory(
        "tests.accounts.factories.CustomerProfileFactory", factory_related_name="user"
    )


class CustomerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerProfile

    user = factory.SubFactory(UserFactory, role=Role.CUSTOMER)
    address = factory.Faker("street_address")
    pin_code = "560001"
    latitude = Decimal("12.971600")
    longitude = Decimal("77.594600")


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class ProfessionalFactory(UserFactory):
    """An approved, available professional; pass ``professional_profile__...`` to change it."""

    role = Role.PROFESSIONAL
    professional_profile = factory.RelatedFactory(
        "tests.accounts.factories.ProfessionalProfileFactory", factory_related_name="user"
    )


class ProfessionalProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfessionalProfile

    user = factory.SubFactory(UserFactory, role=Role.PROFESSIONAL)
    service = factory.SubFactory(ServiceFactory)
    experience_years = 5
    address = factory.Faker("street_address")
    pin_code = "560001"
    contact_phone = factory.Sequence(lambda n: f"+44 7700 8{n:05d}")
    verification_status = VerificationStatus.APPROVED
    document = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="licence.pdf"))
    document_content_type = "application/pdf"
    is_available = True
    current_latitude = Decimal("12.971600")
    current_longitude = Decimal("77.594600")
