from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Service requests")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from accounts.signals import availability_switched_off
        from requests_app.offers import withdraw_on_availability_off
        from requests_app.schedule.models import WorkingHours
        from requests_app.schedule.slot_counts import hours_changed

        # Slots cache the weekly patterns of working hours: a change of hours moves their version.
        post_save.connect(hours_changed, sender=WorkingHours, dispatch_uid="slots_hours_saved")
        post_delete.connect(hours_changed, sender=WorkingHours, dispatch_uid="slots_hours_deleted")

        # A professional who stops taking work loses their open offers at once.
        availability_switched_off.connect(
            withdraw_on_availability_off, dispatch_uid="offers_availability_off"
        )
