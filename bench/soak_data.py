"""The soak's people, made in its own database by ``python -m bench.soak_data N_CUSTOMERS
N_PROFESSIONALS`` (run with the environment of the server under test, so the tokens it prints are
signed with the server's secret key): one at-address service, customers and approved, available
professionals in one pin code (so every booking is offered to every professional, who race to
accept it), and an admin. Prints ``{"service": id, "customers": [token], ...}`` as JSON."""

from __future__ import annotations

import json
import sys

PIN_CODE = "560001"


def make(customers: int, professionals: int) -> dict:
    import secrets

    from rest_framework_simplejwt.tokens import RefreshToken

    from tests.accounts.factories import AdminFactory, CustomerFactory, ProfessionalFactory
    from tests.catalog.factories import ServiceFactory

    run = secrets.token_hex(4)  # the database is kept between soaks: fresh names each time
    service = ServiceFactory(name=f"Soak cleaning {run}")
    email = lambda role, n: f"soak-{run}-{role}{n}@example.com"  # noqa: E731
    token = lambda user: str(RefreshToken.for_user(user).access_token)  # noqa: E731
    # The factories' password hashing (Argon2 on the production settings) is the slow part.
    return {
        "service": service.pk,
        "pin_code": PIN_CODE,
        "customers": [
            token(CustomerFactory(email=email("customer", n), customer_profile__pin_code=PIN_CODE))
            for n in range(customers)
        ],
        "professionals": [
            token(
                ProfessionalFactory(
                    email=email("pro", n),
                    professional_profile__service=service,
                    professional_profile__pin_code=PIN_CODE,
                )
            )
            for n in range(professionals)
        ],
        "admin": token(AdminFactory(email=email("admin", 0))),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(make(int(sys.argv[1]), int(sys.argv[2]))))
