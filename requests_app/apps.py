from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Service requests")

    def ready(self):
        # A professional who stops taking work loses their open offers at once.
        from accounts.signals import availability_switched_off
        from requests_app.offers import withdraw_on_availability_off

        availability_switched_off.connect(
            withdraw_on_availability_off, dispatch_uid="offers_availability_off"
        )
