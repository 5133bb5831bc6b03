from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Registers the OpenAPI description of our JWT authentication class.
        from accounts import schema_extensions  # noqa: F401
