"""Errors raised by services, each with a stable machine-readable code.

Services raise these; the API's exception handler (householdsvc.api) renders them as
``{"code", "detail"}`` with the HTTP status below, and web views show ``detail`` as a message.

``detail`` and the field messages are a person's words, translated when the error is raised
(``gettext`` at the raise site); a lazy text (``gettext_lazy``) is rendered here, in the language
active then, so ``detail`` is always a ``str`` (``" ".join``, logs, JSON). Codes stay English.
"""

from django.utils.functional import Promise


def _text(message):
    return str(message) if isinstance(message, Promise) else message


class ServiceError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, detail: str, *, code: str | None = None, errors: dict | None = None):
        detail = _text(detail)
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.errors = {
            field: [_text(m) for m in messages] if isinstance(messages, list) else _text(messages)
            for field, messages in (errors or {}).items()
        }


class ValidationFailed(ServiceError):
    """Bad input: 400, with ``errors`` mapping field names to messages."""

    status_code = 400
    code = "invalid"


class NotAllowed(ServiceError):
    """The actor may see the object but may not do this to it: 403."""

    status_code = 403
    code = "not_allowed"


class NotFound(ServiceError):
    """The object does not exist, or the actor may not see it: 404."""

    status_code = 404
    code = "not_found"


class Conflict(ServiceError):
    """The object is in a state that forbids this: 409."""

    status_code = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"
