from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Registers the OpenAPI description of our JWT authentication class.
        from accounts import schema_extensions  # noqa: F401
        from householdsvc.core.i18n import memoise_translations
        from householdsvc.core.pg_timestamps import use_compiled_timestamp_loader

        memoise_translations()
        use_compiled_timestamp_loader()
