"""Project-wide API plumbing: the error format, the pagination every list uses, and the
schema and filter pieces that keep bad input a 4xx the OpenAPI schema documents."""

import logging
import sys
from collections import OrderedDict

import orjson
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from householdsvc.core.errors import ServiceError


def _django_validation_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [m for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    """Render every error as ``{"code", "detail"}``, plus ``errors`` (per field) for a 400."""
    if isinstance(exc, ServiceError):
        body = {"code": exc.code, "detail": exc.detail}
        # What the caller can do next (e.g. the next free slots of a 409 ``slot_taken``).
        body.update(getattr(exc, "extra", None) or {})
        if exc.errors or exc.status_code == status.HTTP_400_BAD_REQUEST:
            body["errors"] = exc.errors
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(
            {
                "code": "invalid",
                "detail": gettext("Invalid input."),
                "errors": _django_validation_errors(exc),
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"code": "invalid", "detail": gettext("Invalid input."), "errors": errors}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(detail, dict) and "detail" in detail:
            # simplejwt's errors carry {"detail", "code", "messages"} in one exception.
            code, detail = str(detail.get("code", "error")), detail["detail"]
        if not isinstance(code, str):
            code = "error"
        response.data = {"code": code, "detail": str(detail)}
        if response.status_code == status.HTTP_400_BAD_REQUEST:
            # The schema promises ``errors`` on every 400; a body that could not be parsed at
            # all (``parse_error``) has no field to name.
            response.data["errors"] = {}
    return response


def not_found(request, exception=None):
    """The project's 404 page (``handler404``): under /api/ the JSON error every endpoint
    uses, so a path the URL patterns refuse (``/api/v1/requests/0.5/``) is no HTML page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


logger = logging.getLogger(__name__)

# What a client is told to wait before trying again while a dependency is down.
RETRY_AFTER_SECONDS = 5


def server_error(request):
    """The project's 500 page (``handler500``). The database down (refused, restarting, the
    pool's wait run out) is no bug of ours but a moment to wait: a 503 with ``Retry-After``,
    JSON under /api/, the site's own page elsewhere."""
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        detail = "The service is briefly unavailable. Try again shortly."
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"code": "database_unavailable", "detail": detail}, status=503)
        else:
            # No request context: the context processors (messages, the user) read the database.
            page = render_to_string("error.html", {"status": 503, "detail": detail, "retry_after": True})
            response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "server_error", "detail": "Server error."}, status=500)
    return defaults.server_error(request)


def bad_request(request, exception=None):
    """``handler400``: JSON under /api/ (e.g. a disallowed Host), the site's 400 page elsewhere."""
    if request.path_info.startswith("/api/"):
        body = {"code": "bad_request", "detail": "Bad request.", "errors": {}}
        return JsonResponse(body, status=status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    """``handler403``: JSON under /api/, the site's 403 page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"code": "permission_denied", "detail": "You do not have permission to perform this action."},
            status=status.HTTP_403_FORBIDDEN,
        )
    return defaults.permission_denied(request, exception)


def iso_datetimes(values, zone) -> list:
    """Each aware date-time (or None) as DRF's ``DateTimeField`` renders it: ISO 8601 in
    ``zone``, a zero offset as "Z". ``datetime.isoformat`` took a microsecond a value, half of
    building an API list's row; orjson writes them all in a tenth of that. orjson writes an
    offset in hours and minutes only, so a value whose offset has seconds (a zone's local mean
    time, before about 1900) is written by isoformat, as DRF does."""
    local = [None if value is None else value.astimezone(zone) for value in values]
    texts = orjson.loads(orjson.dumps(local, option=orjson.OPT_UTC_Z))
    for index, value in enumerate(local):
        if value is not None and value.utcoffset().seconds % 60:
            text = value.isoformat()
            texts[index] = text[:-6] + "Z" if text.endswith("+00:00") else text
    return texts


# PostgreSQL's OFFSET and LIMIT are bigints: a page past this is past the end, unasked.
MAX_ROW_OFFSET = 2**63 - 1


class Pagination(PageNumberPagination):
    """Page-number pagination that never counts the whole table.

    ``COUNT(*)`` over a million rows costs more than the page itself, so a page fetches one
    row more than it shows to learn whether a next page exists. A ``page`` that is not a
    positive whole number, or is past the end, is a 404 (DRF's answer); a ``page_size`` that is
    not one is ignored, and one above the maximum is cut to it (DRF's too).
    """

    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        try:
            self.page_number = int(request.query_params.get(self.page_query_param, 1))
        except (TypeError, ValueError):  # also a string of more digits than int() takes
            self.page_number = 0
        if self.page_number < 1:
            raise exceptions.NotFound(gettext("Invalid page."))
        offset = (self.page_number - 1) * page_size
        if offset + page_size + 1 > MAX_ROW_OFFSET:
            raise exceptions.NotFound(gettext("Invalid page."))
        rows = list(queryset[offset : offset + page_size + 1])
        self.has_next = len(rows) > page_size
        if not rows and self.page_number > 1:
            raise exceptions.NotFound(gettext("Invalid page."))
        return rows[:page_size]

    def get_next_link(self):
        if not self.has_next:
            return None
        from rest_framework.utils.urls import replace_query_param

        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.page_query_param, self.page_number + 1)

    def get_previous_link(self):
        if self.page_number <= 1:
            return None
        from rest_framework.utils.urls import remove_query_param, replace_query_param

        url = self.request.build_absolute_uri()
        if self.page_number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.page_number - 1)

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [("next", self.get_next_link()), ("previous", self.get_previous_link()), ("results", data)]
            )
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            else:
                parameter["description"] = (
                    f"Rows per page, at most {self.max_page_size} (more is cut to it; "
                    f"a value that is not a positive whole number gives {self.page_size})."
                )
        return parameters

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
