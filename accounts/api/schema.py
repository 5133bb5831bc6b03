"""The error bodies every endpoint can answer with, for exact OpenAPI responses."""

from drf_spectacular.utils import OpenApiResponse

# One definition of the error shapes for the whole schema (two classes of the same component
# name would collide): requests_app's, which describe exactly what
# householdsvc.api.exception_handler renders.
from requests_app.api.serializers import ErrorSerializer, ValidationErrorSerializer

__all__ = ["ErrorSerializer", "ValidationErrorSerializer", "errors"]

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
