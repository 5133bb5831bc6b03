"""The error bodies every endpoint can answer with, for exact OpenAPI responses."""

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import serializers


# One definition of the error shapes for the whole schema (two classes of the same component
# name would collide), describing exactly what householdsvc.core.api.exception_handler renders.
class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. invalid_transition.")
    detail = serializers.CharField(help_text="Human-readable explanation.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field.",
    )


_DESCRIPTIONS = {
    400: "Invalid input: `errors` names each bad field.",
    401: "Not logged in, bad credentials, or a blocked account (`account_blocked`).",
    403: "Logged in, but this role may not do this.",
    404: "No such object, or not one the caller may see.",
    409: "The object's state forbids this (e.g. `already_approved`).",
    429: "Too many attempts; try again later.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """``responses={200: X, **errors(400, 401)}``."""
    return {
        status: OpenApiResponse(
            response=ValidationErrorSerializer if status == 400 else ErrorSerializer,
            description=_DESCRIPTIONS[status],
        )
        for status in statuses
    }


class AnyOfSerializer(PolymorphicProxySerializer):
    """A body that matches at least one of the serializers, documented as ``anyOf``.

    For views of one object where one serializer extends another (a professional as the public
    sees them, or as an admin does): with ``oneOf`` the larger body also matched the smaller
    schema, so it matched two and was invalid. The schema for it is in
    accounts.schema_extensions."""
