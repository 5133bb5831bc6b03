from decimal import Decimal

import factory

from catalog.models import Service, ServiceKind


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    description = "Done by a vetted professional."
    base_price = Decimal("40.00")
    time_required_minutes = 60
    kind = ServiceKind.AT_ADDRESS
    is_active = True


class DispatchServiceFactory(ServiceFactory):
    name = factory.Sequence(lambda n: f"Roadside {n}")
    base_price = Decimal("75.00")
    kind = ServiceKind.DISPATCH
