from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports and reports")

    def ready(self):
        # Cached dashboard figures are derived data: writes make them stale (see dashboard.py).
        from exports.dashboard import connect_invalidation

        connect_invalidation()
