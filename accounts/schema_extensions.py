"""drf-spectacular extensions for accounts' API classes (imported in AccountsConfig.ready)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.serializers import PolymorphicProxySerializerExtension


class BlockAwareJWTScheme(SimpleJWTScheme):
    """Our JWT authentication is simplejwt's with a clearer error: the same bearer scheme."""

    target_class = "accounts.authentication.JWTAuthentication"


class AnyOfSerializerExtension(PolymorphicProxySerializerExtension):
    """accounts.api.schema.AnyOfSerializer: drf-spectacular's proxy with ``anyOf`` for ``oneOf``."""

    target_class = "householdsvc.core.schema.AnyOfSerializer"
    priority = 0  # before drf-spectacular's own extension for the parent class

    def map_serializer(self, auto_schema, direction):
        schema = super().map_serializer(auto_schema, direction)
        schema["anyOf"] = schema.pop("oneOf")
        return schema
