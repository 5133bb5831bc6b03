"""Load a believable demo: a catalogue, an admin, customers and approved professionals around
Bengaluru. Idempotent: running it twice leaves the same data (it looks people and services up
by email and name and only creates what is missing).

Each app contributes its own demo step, and the project's settings list them in order
(``DEMO_STEPS``): a function ``step(demo: Demo) -> None`` that must itself be idempotent (e.g.
requests_app's demo requests, which find the customers and professionals in ``demo``). The list
lives in the settings, the wiring above every app, so that this command names no app above
accounts.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts import services as account_services
from accounts.models import ProfessionalProfile, User, VerificationStatus
from catalog import services as catalog_services
from catalog.models import Service, ServiceKind

PASSWORD = "demo-pass-123"
ADMIN_EMAIL = "admin@householdsvc.local"


# name, kind, base price (in settings.CURRENCY, rupees by default), minutes, description
CATALOGUE = [
    (
        "Home deep cleaning",
        ServiceKind.AT_ADDRESS,
        "2499.00",
        240,
        "Kitchen, bathrooms and floors, top to bottom.",
    ),
    ("Plumbing repair", ServiceKind.AT_ADDRESS, "349.00", 60, "Leaks, taps, blocked drains, water heaters."),
    (
        "Electrical repair",
        ServiceKind.AT_ADDRESS,
        "299.00",
        60,
        "Switches, sockets, wiring faults, fittings.",
    ),
    (
        "AC repair and service",
        ServiceKind.AT_ADDRESS,
        "599.00",
        90,
        "Gas top-up, cleaning, cooling problems.",
    ),
    ("Carpentry", ServiceKind.AT_ADDRESS, "399.00", 120, "Doors, hinges, furniture assembly and repair."),
    ("Pest control", ServiceKind.AT_ADDRESS, "1199.00", 120, "Cockroaches, ants, termites; safe for pets."),
    (
        "Flat tyre",
        ServiceKind.DISPATCH,
        "499.00",
        30,
        "Puncture repair or spare wheel fitted where you stopped.",
    ),
    ("Battery jump start", ServiceKind.DISPATCH, "399.00", 20, "A dead battery started on the spot."),
    (
        "EV charge",
        ServiceKind.DISPATCH,
        "899.00",
        45,
        "A mobile charger brings an electric car enough range.",
    ),
    (
        "Lock-out assistance",
        ServiceKind.DISPATCH,
        "699.00",
        30,
        "Keys locked in the car: opened without damage.",
    ),
    ("Towing", ServiceKind.DISPATCH, "1999.00", 60, "Taken to the garage of your choice."),
]

# email, full name, address, pin code, latitude, longitude
CUSTOMERS = [
    ("asha@householdsvc.local", "Asha Rao", "14 Church Street", "560001", "12.975300", "77.605900"),
    (
        "ben@householdsvc.local",
        "Ben Mathew",
        "221 80 Feet Road, Koramangala",
        "560034",
        "12.935200",
        "77.624500",
    ),
    (
        "chitra@householdsvc.local",
        "Chitra Iyer",
        "9 CMH Road, Indiranagar",
        "560038",
        "12.978400",
        "77.640800",
    ),
]

# email, full name, service, pin code, latitude, longitude, extras
PROFESSIONALS = [
    (
        "ravi.plumber@householdsvc.local",
        "Ravi Kumar",
        "Plumbing repair",
        "560034",
        "12.934000",
        "77.626000",
        {},
    ),
    (
        "meena.clean@householdsvc.local",
        "Meena Das",
        "Home deep cleaning",
        "560038",
        "12.971900",
        "77.641200",
        {},
    ),
    (
        "arjun.spark@householdsvc.local",
        "Arjun Nair",
        "Electrical repair",
        "560001",
        "12.972000",
        "77.594600",
        {},
    ),
    (
        "farah.cool@householdsvc.local",
        "Farah Khan",
        "AC repair and service",
        "560095",
        "12.935000",
        "77.614000",
        {},
    ),
    (
        "vikram.tyres@householdsvc.local",
        "Vikram Singh",
        "Flat tyre",
        "560066",
        "12.969800",
        "77.749900",
        {"company_name": "Vikram Roadside", "vehicle_registration": "KA 01 AB 1234", "service_radius_km": 25},
    ),
    (
        "leela.ev@householdsvc.local",
        "Leela Menon",
        "EV charge",
        "560103",
        "12.925700",
        "77.676200",
        {"company_name": "ChargeOnWheels", "vehicle_registration": "KA 03 EV 0042", "ev_certified": True},
    ),
    (
        "suresh.tow@householdsvc.local",
        "Suresh Gowda",
        "Towing",
        "560022",
        "13.028500",
        "77.540000",
        {"company_name": "Gowda Towing", "vehicle_registration": "KA 04 TW 7788", "service_radius_km": 40},
    ),
]

# The smallest valid PDF: demo professionals need a document like any other.
DEMO_DOCUMENT = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n162\n%%EOF\n"
)


@dataclass
class Demo:
    """What the steps share: the people and services loaded so far, and where to report."""

    stdout: object
    admin: User | None = None
    services: dict[str, Service] = field(default_factory=dict)
    customers: list[User] = field(default_factory=list)
    professionals: list[User] = field(default_factory=list)


def load_catalogue(demo: Demo) -> None:
    demo.admin = User.objects.filter(email__iexact=ADMIN_EMAIL).first() or User.objects.create_superuser(
        email=ADMIN_EMAIL, password=PASSWORD, full_name="Demo Admin"
    )
    for name, kind, price, minutes, description in CATALOGUE:
        values = {
            "kind": kind,
            "base_price": price,
            "time_required_minutes": minutes,
            "description": description,
            "is_active": True,
        }
        existing = Service.objects.filter(name__iexact=name).first()
        if existing is None:
            demo.services[name] = catalog_services.service_create(actor=demo.admin, name=name, **values)
        else:
            demo.services[name] = catalog_services.service_update(
                service_id=existing.pk, actor=demo.admin, **values
            )


def load_people(demo: Demo) -> None:
    for email, full_name, address, pin_code, latitude, longitude in CUSTOMERS:
        user = User.objects.filter(email__iexact=email).first() or account_services.customer_register(
            email=email,
            password=PASSWORD,
            full_name=full_name,
            address=address,
            pin_code=pin_code,
            latitude=latitude,
            longitude=longitude,
            confirmed=True,
        )
        demo.customers.append(user)

    for email, full_name, service_name, pin_code, latitude, longitude, extras in PROFESSIONALS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = account_services.professional_register(
                email=email,
                password=PASSWORD,
                full_name=full_name,
                service=demo.services[service_name],
                experience_years=6,
                document=ContentFile(DEMO_DOCUMENT, name="licence.pdf"),
                address=f"Base in {pin_code}, Bengaluru",
                pin_code=pin_code,
                confirmed=True,
                **extras,
            )
        # Approved as if an admin had checked the document (without the service's email, which
        # would print seven messages on every first `make run`), available, and placed at their
        # base: the live position normally comes from the operator's phone (tracking).
        ProfessionalProfile.objects.filter(user=user).exclude(
            verification_status=VerificationStatus.APPROVED
        ).update(
            verification_status=VerificationStatus.APPROVED,
            verified_by=demo.admin,
            verified_at=timezone.now(),
        )
        ProfessionalProfile.objects.filter(user=user).update(
            is_available=True,
            current_latitude=Decimal(latitude),
            current_longitude=Decimal(longitude),
            position_updated_at=timezone.now(),
        )
        demo.professionals.append(user)


class Command(BaseCommand):
    help = "Load the demo catalogue, admin, customers and professionals (idempotent)."

    def handle(self, *args, **options):
        demo = Demo(stdout=self.stdout)
        with transaction.atomic():
            for path in settings.DEMO_STEPS:
                import_string(path)(demo)

        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(demo.services)} services."))
        # The log-ins come last in `make run` (manage.py demo_logins), after the reminder e-mails
        # that run_scheduled_jobs prints, so that they are what the reader sees.
        self.stdout.write("Log-ins: manage.py demo_logins")
