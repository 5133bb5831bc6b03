"""The error bodies every endpoint can answer with, for exact OpenAPI responses."""

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer

# One definition of the error shapes for the whole schema (two classes of the same component
# name would collide): requests_app's, which describe exactly what
# householdsvc.api.exception_handler renders.
from requests_app.api.serializers import ErrorSerializer, ValidationErrorSerializer

__all__ = ["AnyOfSerializer", "ErrorSerializer", "ValidationErrorSerializer", "errors"]

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
