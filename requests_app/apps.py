from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Service requests"

    def ready(self):
        # Cached dashboard figures are derived data: writes make them stale (see dashboard.py).
        from requests_app.dashboard import connect_invalidation

        connect_invalidation()
